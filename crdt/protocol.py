"""y-protocols binary framing (sync, awareness, auth, query-awareness).

This is what a stock ``y-websocket`` provider speaks. The Socket.IO transport
carries the same payloads without this framing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from crdt.encoding import DecodeError, Reader, write_var_bytes, write_var_string, write_var_uint


class MessageType(IntEnum):
    SYNC = 0
    AWARENESS = 1
    AUTH = 2
    QUERY_AWARENESS = 3


class SyncType(IntEnum):
    STEP1 = 0  # payload: state vector
    STEP2 = 1  # payload: update (answer to a step 1)
    UPDATE = 2  # payload: update


@dataclass(frozen=True, slots=True)
class Message:
    type: MessageType
    sync_type: SyncType | None = None
    payload: bytes = b""


def decode(frame: bytes) -> Message:
    """Decode one y-protocols message; raises ``DecodeError`` on anything malformed."""
    reader = Reader(frame)
    raw_type = reader.read_var_uint()
    try:
        mtype = MessageType(raw_type)
    except ValueError as exc:
        raise DecodeError(f"unknown message type {raw_type}") from exc
    if mtype is MessageType.SYNC:
        raw_sync = reader.read_var_uint()
        try:
            sync_type = SyncType(raw_sync)
        except ValueError as exc:
            raise DecodeError(f"unknown sync message type {raw_sync}") from exc
        payload = reader.read_var_bytes()
        reader.expect_end()
        return Message(mtype, sync_type, payload)
    if mtype is MessageType.AWARENESS:
        payload = reader.read_var_bytes()
        reader.expect_end()
        return Message(mtype, None, payload)
    if mtype is MessageType.AUTH:
        # Clients never need to send auth messages; keep whatever follows as payload.
        return Message(mtype, None, frame[reader.pos :])
    reader.expect_end()
    return Message(mtype)


def _sync(sync_type: SyncType, payload: bytes) -> bytes:
    return bytes((MessageType.SYNC, sync_type)) + write_var_bytes(payload)


def sync_step1(state_vector: bytes) -> bytes:
    return _sync(SyncType.STEP1, state_vector)


def sync_step2(update: bytes) -> bytes:
    return _sync(SyncType.STEP2, update)


def sync_update(update: bytes) -> bytes:
    return _sync(SyncType.UPDATE, update)


def awareness(update: bytes) -> bytes:
    return bytes((MessageType.AWARENESS,)) + write_var_bytes(update)


def query_awareness() -> bytes:
    return bytes((MessageType.QUERY_AWARENESS,))


def permission_denied(reason: str) -> bytes:
    """The y-protocols auth message a y-websocket provider reports as 'permission-denied'."""
    return bytes((MessageType.AUTH,)) + write_var_uint(0) + write_var_string(reason)
