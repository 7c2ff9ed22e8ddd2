"""Which Yjs client ids an update's structs belong to: what authorship is recorded from."""

from __future__ import annotations

import os
import random
from typing import Any

import pycrdt
import pytest

from crdt import updates
from crdt.encoding import DecodeError
from crdt.update_v1 import struct_clients
from tests.unit.test_update_length import every_kind_of_update


def typed(client_id: int, text: str, base: bytes | None = None) -> tuple[pycrdt.Doc[Any], bytes]:
    """A replica with ``client_id`` that (after ``base``) types ``text``: its update."""
    doc: pycrdt.Doc[Any] = pycrdt.Doc(client_id=client_id)
    if base is not None:
        doc.apply_update(base)
    before = doc.get_state()
    t = doc.get("t", type=pycrdt.Text)
    t.insert(len(t), text)
    return doc, doc.get_update(before)


def test_an_update_names_exactly_the_clients_that_created_its_structs() -> None:
    _, first = typed(111, "We recommend ")
    _, second = typed(2**32 - 5, "[enhanced] cooperation", base=first)
    assert struct_clients(first) == [111]
    assert struct_clients(second) == [2**32 - 5]
    # A merged update (a snapshot after compaction) carries both.
    assert sorted(struct_clients(updates.merge([first, second]))) == [111, 2**32 - 5]
    # The 53-bit ids pycrdt draws by default are read whole.
    _, wide = typed(2**53 - 1, "x")
    assert struct_clients(wide) == [2**53 - 1]


def test_a_deletion_is_not_a_struct_of_the_deleted_characters_owner() -> None:
    _, first = typed(111, "We recommend cooperation")
    sweden: pycrdt.Doc[Any] = pycrdt.Doc(client_id=222)
    sweden.apply_update(first)
    before = sweden.get_state()
    del sweden.get("t", type=pycrdt.Text)[0:3]
    deletion = sweden.get_update(before)
    # Only a delete set, naming Brazil's characters: no struct of anyone's.
    assert struct_clients(deletion) == []
    assert struct_clients(updates.EMPTY_UPDATE) == []


def test_apply_returns_the_clients_without_a_second_walk() -> None:
    _, update = typed(4242, "text")
    doc = updates.new_doc()
    assert updates.apply(doc, update) == [4242]
    assert str(doc.get("t", type=pycrdt.Text)) == "text"


def test_every_kind_of_struct_and_content_is_walked() -> None:
    *steps, full, empty = every_kind_of_update()
    (writer,) = struct_clients(full)  # one replica wrote it all
    assert all(set(struct_clients(step)) <= {writer} for step in steps)
    assert sum(struct_clients(step) == [writer] for step in steps) >= len(steps) - 2
    assert struct_clients(empty) == []


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"\x01", id="truncated-header"),
        pytest.param(b"\x01\x01\xff\xff\xff", id="truncated-client-id"),
        pytest.param(b"\x01\x01\x07\x00\x1f", id="unknown-content-kind"),
        pytest.param(b"\x01" + b"\xff" * 12, id="overlong-var-uint"),
    ],
)
def test_malformed_input_is_refused_not_crashed(bad: bytes) -> None:
    with pytest.raises(DecodeError):
        struct_clients(bad)


def test_trailing_bytes_and_truncations_are_refused() -> None:
    _, update = typed(7, "We recommend")
    with pytest.raises(DecodeError):
        struct_clients(update + b"\x00")
    for cut in range(1, len(update)):
        try:
            clients = struct_clients(update[:cut])
        except DecodeError:
            continue
        # A prefix that happens to parse whole names no client but the writer.
        assert set(clients) <= {7}


def test_random_bytes_never_raise_anything_but_decode_error() -> None:
    rng = random.Random(int.from_bytes(os.urandom(4), "big"))
    _, update = typed(7, "We recommend enhanced cooperation")
    for _ in range(2000):
        data = bytearray(update)
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        try:
            struct_clients(bytes(data))
        except DecodeError:
            pass
