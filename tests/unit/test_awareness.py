"""Awareness codec and registry follow Yjs' rules."""

from __future__ import annotations

import pytest

from crdt.awareness import (
    NULL_STATE,
    AwarenessEntry,
    AwarenessRegistry,
    decode_update,
    encode_update,
)
from crdt.encoding import DecodeError


def entry(client: int, clock: int, state: str = '{"user":"x"}') -> AwarenessEntry:
    return AwarenessEntry(client, clock, state)


def test_round_trip() -> None:
    entries = [entry(1, 3), entry(2**40, 1, '{"cursor":{"a":1}}'), entry(5, 9, NULL_STATE)]
    assert decode_update(encode_update(entries)) == entries


def test_newer_clock_wins_and_stale_is_ignored() -> None:
    reg = AwarenessRegistry()
    assert reg.apply([entry(1, 2, '{"v":2}')])
    assert reg.apply([entry(1, 1, '{"v":1}')]) == []
    assert reg.get(1) == entry(1, 2, '{"v":2}')


def test_removal_with_same_clock_is_accepted_once() -> None:
    reg = AwarenessRegistry()
    reg.apply([entry(1, 4)])
    assert reg.apply([entry(1, 4, NULL_STATE)]) == [entry(1, 4, NULL_STATE)]
    assert reg.apply([entry(1, 4, NULL_STATE)]) == []
    assert reg.encode_present() is None


def test_remove_bumps_clock_so_clients_accept_it() -> None:
    reg = AwarenessRegistry()
    reg.apply([entry(7, 10)])
    assert reg.remove([7, 8]) == [AwarenessEntry(7, 11, NULL_STATE)]
    assert reg.present() == []


@pytest.mark.parametrize(
    "update",
    [
        b"\x01\x01\x01\x03{x}",  # state is not JSON
        b"\x05\x01",  # claims 5 clients
        encode_update([entry(1, 1)]) + b"\x00",  # trailing byte
    ],
)
def test_malformed_updates_are_refused(update: bytes) -> None:
    with pytest.raises(DecodeError):
        decode_update(update)
