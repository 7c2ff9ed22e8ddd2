"""Governance events on the live hub: a decision committed while a connection's history
is read reaches it once (in the history, not again live), proposals reach only
members and officers, and the events cross processes intact."""

from __future__ import annotations

import logging
from typing import Any

from server.auth.tokens import Role
from server.live.hub import LiveHub
from server.paragraphs.live import (
    GovernanceEvent,
    GovernancePublisher,
    decision_key,
    proposal_key,
    topic,
)
from tests.unit.test_live_hub import RecordingPeer, person

LOG = logging.getLogger("test-paragraph-events")


def changed(decision_id: int) -> GovernanceEvent:
    data = {"document": "doc", "paragraph": {"id": "p1"}, "decision": {"id": decision_id}}
    return GovernanceEvent("paragraph-changed", data, decision_key(decision_id))


async def test_a_decision_published_while_the_history_is_read_arrives_once() -> None:
    async with LiveHub(LOG) as hub:
        publisher = GovernancePublisher(hub)
        peer = RecordingPeer(person(1, Role.MEMBER))

        async def history() -> tuple[list[tuple[str, Any]], set[str]]:
            # Decision 2 commits and is published after the subscription started and
            # before the history is read: the history carries it.
            await publisher.publish("doc", [changed(2)])
            return [("paragraphs-state", {"decisions": [{"id": 1}, {"id": 2}]})], {
                decision_key(1),
                decision_key(2),
            }

        await hub.subscribe(topic("doc"), peer, history)
        await publisher.publish("doc", [changed(3)])
        await peer.wait_for(2)
        assert [event for event, _ in peer.received] == ["paragraphs-state", "paragraph-changed"]
        assert peer.received[1][1]["decision"]["id"] == 3


async def test_proposals_only_to_members_and_officers() -> None:
    event = GovernanceEvent(
        "proposal-changed", {"document": "doc", "proposal": {"id": 4}}, proposal_key(4, "pending")
    )
    for role in (Role.CHAIR, Role.SECRETARIAT, Role.MEMBER):
        assert event.event_for(person(1, role)) == "proposal-changed"
    for role in (Role.OBSERVER, Role.FOLLOWER, Role.CAPTIONER):
        assert event.event_for(person(1, role)) is None
    assert GovernanceEvent.from_json(event.to_json()) == event
    assert changed(5).event_for(person(1, Role.FOLLOWER)) == "paragraph-changed"
