"""Bus frames: ``[kind][sender][target][document][payload]`` in lib0 encoding.

``sender`` is the process id, so a process ignores its own frames; ``target`` is
empty for everyone, or the one process a sync answer is for.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from crdt.encoding import DecodeError, Reader, write_var_bytes, write_var_string, write_var_uint


class Kind(IntEnum):
    UPDATE = 0  # a document update made by the sender's clients
    AWARENESS = 1  # an awareness update of the sender's clients
    SYNC_REQUEST = 2  # payload: the sender's state vector; answer with what it lacks
    SYNC_REQUEST_BOTH = 3  # as SYNC_REQUEST, and the receiver asks back
    SYNC_ANSWER = 4  # payload: the update the target lacked
    EVENT = 5  # an application event (e.g. a transcript segment); `document` is its topic


@dataclass(frozen=True, slots=True)
class Frame:
    kind: Kind
    sender: str
    target: str
    document: str
    payload: bytes


def encode(frame: Frame) -> bytes:
    return (
        write_var_uint(frame.kind)
        + write_var_string(frame.sender)
        + write_var_string(frame.target)
        + write_var_string(frame.document)
        + write_var_bytes(frame.payload)
    )


def decode(data: bytes) -> Frame:
    reader = Reader(data)
    raw_kind = reader.read_var_uint()
    try:
        kind = Kind(raw_kind)
    except ValueError as exc:
        raise DecodeError(f"unknown bus frame kind {raw_kind}") from exc
    frame = Frame(
        kind,
        reader.read_var_string(),
        reader.read_var_string(),
        reader.read_var_string(),
        reader.read_var_bytes(),
    )
    reader.expect_end()
    return frame
