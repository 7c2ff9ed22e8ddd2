"""Awareness codec and registry follow Yjs' rules."""

from __future__ import annotations

import pytest

from crdt.awareness import (
    NULL_STATE,
    AwarenessEntry,
    AwarenessRegistry,
    StateTooLarge,
    TooManyEntries,
    decode_update,
    encode_update,
)
from crdt.encoding import DecodeError, write_var_uint


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


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_departed_clients_are_pruned_after_the_tombstone_time() -> None:
    clock = FakeClock()
    reg = AwarenessRegistry(tombstone_seconds=30, clock=clock)
    reg.apply([entry(i, 1) for i in range(1000)])
    reg.apply([entry(i, 1, NULL_STATE) for i in range(500)])  # removals sent by clients
    assert reg.remove(range(500, 1000)) == [
        AwarenessEntry(i, 2, NULL_STATE) for i in range(500, 1000)
    ]
    assert reg.present() == [] and reg.size == 1000  # tombstones only
    # A late echo of a departed client's old state does not bring it back...
    assert reg.apply([entry(3, 1)]) == []
    clock.now += 31
    reg.apply([entry(5000, 1)])
    reg.remove([5000])  # ...and once their time is up, tombstones go
    assert reg.size == 1
    assert reg.remove([1, 2, 3]) == []  # a departure broadcast names present clients only


def test_tombstones_are_capped() -> None:
    reg = AwarenessRegistry(max_tombstones=10)
    reg.apply([entry(i, 1) for i in range(100)])
    reg.remove(range(100))
    assert reg.size == 10


def test_an_oversized_update_is_refused_before_its_entries_are_read() -> None:
    claims_a_million = write_var_uint(1_000_000) + b"\x00"  # not even one whole entry
    with pytest.raises(TooManyEntries):
        decode_update(claims_a_million, max_entries=512)
    with pytest.raises(StateTooLarge):
        decode_update(encode_update([entry(1, 1, '"' + "x" * 100 + '"')]), max_state_bytes=64)
