"""Yjs update helpers: validation, merging, diffs, and building a document from storage."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from typing import Any

import pycrdt

from crdt.encoding import DecodeError, Reader
from crdt.update_v1 import check_no_trailing_bytes

# An update that changes nothing: zero structs, empty delete set.
EMPTY_UPDATE = b"\x00\x00"
EMPTY_STATE_VECTOR = b"\x00"


def new_doc() -> pycrdt.Doc[Any]:
    """A document with a 32-bit client id, as Yjs picks them.

    pycrdt draws ids up to 2**53; y-py (and other older Yrs ports) misread ids
    of 2**32 and above and then corrupt the text they build on.
    """
    return pycrdt.Doc(client_id=secrets.randbits(32))


def merge(updates: Sequence[bytes]) -> bytes:
    """Merge updates into one equivalent update (compaction, coalesced broadcasts)."""
    if not updates:
        return EMPTY_UPDATE
    if len(updates) == 1:
        return updates[0]
    return pycrdt.merge_updates(*updates)


def diff(update: bytes, state_vector: bytes) -> bytes:
    """The part of ``update`` not covered by ``state_vector``."""
    return pycrdt.get_update(update, state_vector)


def decode_state_vector(state_vector: bytes) -> dict[int, int]:
    """``{client id: clock}``; two replicas hold the same content iff these are equal
    (the encoded bytes may list clients in any order)."""
    reader = Reader(state_vector)
    clocks = {}
    for _ in range(reader.read_var_uint()):
        client = reader.read_var_uint()
        clocks[client] = reader.read_var_uint()
    reader.expect_end()
    return clocks


def same_state(a: pycrdt.Doc[Any], b: pycrdt.Doc[Any]) -> bool:
    return decode_state_vector(a.get_state()) == decode_state_vector(b.get_state())


def apply(doc: pycrdt.Doc[Any], update: bytes) -> list[int]:
    """Apply ``update`` to ``doc``; ``DecodeError`` if malformed.

    Returns the client ids of the update's structs (who wrote them: see
    ``update_v1.struct_clients``), found by the validation walk at no extra cost.

    Yrs decodes the whole update before integrating it, so a malformed update
    leaves the document untouched. Yrs also ignores whatever follows a valid
    update, and crashes the process on values nested tens of thousands deep:
    both are refused here first, so what is applied is exactly what is stored.
    """
    clients = check_no_trailing_bytes(update)
    try:
        doc.apply_update(update)
    except ValueError as exc:
        raise DecodeError(f"malformed update: {exc}") from exc
    return clients


def doc_from_updates(
    updates: Iterable[bytes], doc: pycrdt.Doc[Any] | None = None
) -> pycrdt.Doc[Any]:
    """A document holding every given update (snapshot first, then the log tail)."""
    doc = new_doc() if doc is None else doc
    for update in updates:
        doc.apply_update(update)
    return doc
