"""Presence ownership: who may change which client id's awareness."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence

from crdt.awareness import NULL_STATE, AwarenessEntry, encode_update
from server.auth.principal import Principal
from server.auth.tokens import Role
from server.groups.colours import NEUTRAL, PALETTE
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


def user_in(entries: list[AwarenessEntry], client: int) -> dict[str, str]:
    (entry,) = [e for e in entries if e.client_id == client]
    user: dict[str, str] = json.loads(entry.state)["user"]
    return user


def painted(client: int, clock: int, colour: str) -> bytes:
    state = {"user": {"name": "me", "color": colour, "colorLight": colour + "33"}}
    return encode_update([AwarenessEntry(client, clock, json.dumps(state))])


def test_presence_wears_the_delegations_colour_not_the_one_the_client_claims() -> None:
    presence = Presence(Settings(), logging.getLogger("test"), "doc")
    brazil = joined(presence, person(1, "Delegate of Brazil"))
    brazil.delegation, brazil.colour = "Brazil", PALETTE[0]
    sweden = joined(presence, person(2, "Delegate of Sweden"))
    sweden.delegation, sweden.colour = "Sweden", PALETTE[1]
    # Both claim the same colour (stock clients pick one by hashing, or at random).
    shown_b = user_in(presence.receive(brazil, painted(10, 1, "#30bced")), 10)
    shown_s = user_in(presence.receive(sweden, painted(20, 1, "#30bced")), 20)
    assert (shown_b["color"], shown_b["colorLight"]) == (PALETTE[0], PALETTE[0] + "33")
    assert (shown_s["color"], shown_s["colorLight"]) == (PALETTE[1], PALETTE[1] + "33")
    assert shown_b["delegation"] == "Brazil" and shown_s["delegation"] == "Sweden"


def test_readers_and_people_of_no_delegation_are_grey() -> None:
    presence = Presence(Settings(), logging.getLogger("test"), "doc")
    follower = joined(presence, person(3, "Remote", Role.FOLLOWER))
    follower.delegation, follower.colour = "Brazil", PALETTE[0]  # reads only: no cursor
    chair = joined(presence, person(4, "Chair", Role.CHAIR))  # speaks for no delegation
    assert user_in(presence.receive(follower, painted(30, 1, "#d62728")), 30)["color"] == NEUTRAL
    assert user_in(presence.receive(chair, painted(40, 1, "#d62728")), 40)["color"] == NEUTRAL
