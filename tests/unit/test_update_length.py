"""Where a Yjs update ends: trailing bytes and over-deep values are refused before Yrs sees them."""

from __future__ import annotations

import os
import random
from typing import Any

import pycrdt
import pytest

from crdt import updates
from crdt.encoding import DecodeError, write_var_string, write_var_uint
from crdt.update_v1 import MAX_ANY_DEPTH, encoded_length


def every_kind_of_update() -> list[bytes]:
    """Updates holding every struct and content kind pycrdt writes, and the full state."""
    doc = updates.new_doc()
    seen: list[bytes] = []
    doc.observe(lambda event: seen.append(event.update))
    text = doc.get("t", type=pycrdt.Text)
    text.insert(0, "hello wörld ✓")
    text.format(0, 5, {"bold": True, "n": {"x": [1, 2.5, None, "s", {"k": False}]}})
    text.insert_embed(3, {"img": "x"})
    shared: pycrdt.Map[Any] = doc.get("m", type=pycrdt.Map)
    shared["k"] = {"a": [1, 2, {"b": b"bytes"}], "f": 1.5, "i": -123456789012, "big": 2**62}
    shared["sub"] = pycrdt.Map({"z": 1})
    shared["doc"] = pycrdt.Doc()
    array: pycrdt.Array[Any] = doc.get("a", type=pycrdt.Array)
    array.append(pycrdt.Array([1, "two", None, True]))
    array.append(pycrdt.Text("nested"))
    fragment = doc.get("x", type=pycrdt.XmlFragment)
    fragment.children.append(pycrdt.XmlElement("p", {"class": "c"}, [pycrdt.XmlText("hi")]))
    del text[2:4]
    shared.pop("k")
    rng = random.Random(7)
    for _ in range(300):  # many small structs with 32-bit origins on both sides
        text.insert(rng.randint(0, len(text)), rng.choice("abc"))
    return [*seen, doc.get_update(), updates.EMPTY_UPDATE]


def test_the_length_of_every_valid_update_is_its_size() -> None:
    for update in every_kind_of_update():
        assert encoded_length(update) == len(update)


def test_bytes_after_a_valid_update_are_refused_and_the_document_is_unchanged() -> None:
    valid = every_kind_of_update()[0]
    doc = updates.new_doc()
    for tail in (b"\x00", os.urandom(1 << 20)):
        with pytest.raises(DecodeError, match=f"{len(tail)} unexpected bytes"):
            updates.apply(doc, valid + tail)
        assert doc.get_state() == updates.EMPTY_STATE_VECTOR
    updates.apply(doc, valid)  # the same update alone applies
    assert doc.get_state() != updates.EMPTY_STATE_VECTOR


def test_every_truncation_of_an_update_is_refused() -> None:
    full = every_kind_of_update()[-2]
    for end in range(len(full)):
        with pytest.raises(DecodeError):
            encoded_length(full[:end])


def nested_arrays(depth: int) -> bytes:
    """One map entry ``m.k`` holding ``depth`` arrays nested in each other (ContentAny)."""
    content = write_var_uint(1) + (b"\x75" + write_var_uint(1)) * (depth - 1) + b"\x75\x00"
    struct = b"\x28" + write_var_uint(1) + write_var_string("m") + write_var_string("k") + content
    return b"\x01\x01\x05\x00" + struct + b"\x00"


def test_values_nested_deeper_than_the_bound_are_refused() -> None:
    # Yrs decodes nested values recursively: ~30,000 levels (60 KB) kill the process.
    doc = updates.new_doc()
    updates.apply(doc, nested_arrays(MAX_ANY_DEPTH))
    with pytest.raises(DecodeError, match="nests deeper"):
        updates.apply(updates.new_doc(), nested_arrays(MAX_ANY_DEPTH + 1))
    with pytest.raises(DecodeError, match="nests deeper"):
        updates.apply(updates.new_doc(), nested_arrays(100_000))
