"""Presence ownership: who may change which client id's awareness."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence

from crdt.awareness import NULL_STATE, AwarenessEntry, encode_update
from server.auth.principal import Principal
from server.auth.tokens import Role
from server.rooms.peer import Channel, Peer
from server.rooms.presence import Presence
from server.settings import Settings


class QuietPeer(Peer):
    transport_name = "test"

    @classmethod
    async def fanout(cls, peers: Sequence[Peer], channel: Channel, payload: bytes) -> None:
        pass

    async def close(self, code: int, reason: str) -> None:
        pass


def person(pid: int, name: str, role: Role = Role.MEMBER) -> Principal:
    return Principal(name=name, role=role, group_id=1, person_id=pid)


def joined(presence: Presence, principal: Principal) -> Peer:
    peer = QuietPeer(principal)
    presence.join(peer)
    return peer


def say(client: int, clock: int, name: str = "x") -> bytes:
    return encode_update([AwarenessEntry(client, clock, json.dumps({"user": {"name": name}}))])


def test_a_reconnecting_tab_of_the_same_person_takes_its_id_over() -> None:
    presence = Presence(Settings(), logging.getLogger("test"), "doc")
    old = joined(presence, person(1, "Ana"))
    presence.receive(old, say(42, 1))
    new = joined(presence, person(1, "Ana"))  # old connection not yet noticed as dead
    assert [e.clock for e in presence.receive(new, say(42, 2))] == [2]
    assert old.awareness_ids == set() and new.awareness_ids == {42}
    assert presence.leave(old) == []  # the stale connection no longer removes it
    assert presence.registry.get(42) is not None


def test_another_person_cannot_take_an_id_over_until_its_owner_leaves() -> None:
    presence = Presence(Settings(), logging.getLogger("test"), "doc")
    owner = joined(presence, person(1, "Ana"))
    other = joined(presence, person(2, "Bo", Role.FOLLOWER))
    presence.receive(owner, say(42, 1))
    assert presence.receive(other, say(42, 9)) == []
    assert presence.receive(other, encode_update([AwarenessEntry(42, 9, NULL_STATE)])) == []
    assert presence.dropped_foreign == 2
    assert [e.state for e in presence.leave(owner)] == [NULL_STATE]
    # Released: a later (fresh) announcement of that id may come from anyone.
    assert [e.clock for e in presence.receive(other, say(42, 9))] == [9]
