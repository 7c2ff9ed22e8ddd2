"""y-protocols framing and lib0 encoding: round trips and strict refusal of garbage."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crdt import protocol
from crdt.encoding import DecodeError, Reader, write_var_bytes, write_var_uint
from crdt.protocol import MessageType, SyncType


@given(st.integers(min_value=0, max_value=2**63 - 1))
def test_var_uint_round_trip(value: int) -> None:
    reader = Reader(write_var_uint(value))
    assert reader.read_var_uint() == value
    reader.expect_end()


@given(st.binary(max_size=300))
def test_sync_messages_round_trip(payload: bytes) -> None:
    for build, sync_type in (
        (protocol.sync_step1, SyncType.STEP1),
        (protocol.sync_step2, SyncType.STEP2),
        (protocol.sync_update, SyncType.UPDATE),
    ):
        message = protocol.decode(build(payload))
        assert (message.type, message.sync_type, message.payload) == (
            MessageType.SYNC,
            sync_type,
            payload,
        )


def test_awareness_and_query_round_trip() -> None:
    assert protocol.decode(protocol.awareness(b"\x01\x02")).payload == b"\x01\x02"
    assert protocol.decode(protocol.query_awareness()).type is MessageType.QUERY_AWARENESS


def test_standard_layout_matches_y_protocols() -> None:
    # [messageSync=0][messageYjsUpdate=2][len=2][0,0]: what a y-websocket client sends.
    assert protocol.sync_update(b"\x00\x00") == b"\x00\x02\x02\x00\x00"
    assert protocol.permission_denied("no")[:2] == b"\x02\x00"


@pytest.mark.parametrize(
    "frame",
    [
        b"",  # empty
        b"\x09",  # unknown message type
        b"\x00\x07\x00",  # unknown sync type
        b"\x00\x02\x05\x00",  # declared 5 bytes, 1 present
        b"\x00\x02" + write_var_bytes(b"\x00\x00") + b"junk",  # trailing bytes
        b"\x00\x02\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff",  # var uint overflow
        b"\x03extra",  # query-awareness with trailing bytes
    ],
)
def test_garbage_is_refused(frame: bytes) -> None:
    with pytest.raises(DecodeError):
        protocol.decode(frame)


@given(st.binary(max_size=64))
def test_decode_never_raises_anything_but_decode_error(frame: bytes) -> None:
    try:
        protocol.decode(frame)
    except DecodeError:
        pass
