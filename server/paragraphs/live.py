"""Live events of the rolling text's governance, on the live hub topic ``paragraphs:<doc>``.

Every connection of the document's namespace (``/yjs|<doc>``) and of the follow
namespace of a session working on it (``/session|<id>``) follows the topic. Each
connection first gets ``paragraphs-state`` (the governed state, the latest
decisions and, for those who may see them, the pending proposals), then live
events: ``paragraph-changed``, ``document-changed``, ``opinion-changed`` to every
reader, ``proposal-changed`` only to holders of ``VIEW_PROPOSALS``. Each live event
carries a history key (its decision's, or its proposal's id and state): an event
the connection's history already carried is not sent again, and none published
while the history was read is lost (the hub holds them back meanwhile).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from server.auth.permissions import Action, can
from server.auth.principal import Principal
from server.live.hub import LiveHub

KIND = "paragraphs"
PROPOSAL_EVENT = "proposal-changed"
STATE_EVENT = "paragraphs-state"


def topic(document: str) -> str:
    """The live topic of a document's governance events."""
    return f"{KIND}:{document}"


def decision_key(decision_id: int) -> str:
    return f"d:{decision_id}"


def proposal_key(proposal_id: int, state: str) -> str:
    return f"p:{proposal_id}:{state}"


def sees_proposals(principal: Principal) -> bool:
    return can(principal, Action.VIEW_PROPOSALS)


@dataclass(frozen=True)
class GovernanceEvent:
    """One governance event (a live hub ``Message``)."""

    event: str
    data: dict[str, Any]
    key: str | None = None

    @property
    def history_id(self) -> str | None:
        return self.key

    def event_for(self, principal: Principal) -> str | None:
        if self.event == PROPOSAL_EVENT and not sees_proposals(principal):
            return None
        return self.event

    def data_for(self, event: str) -> dict[str, Any]:
        return self.data

    def to_json(self) -> dict[str, Any]:
        return {"event": self.event, "data": self.data, "key": self.key}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> GovernanceEvent:
        key = data.get("key")
        return cls(str(data["event"]), data["data"], None if key is None else str(key))


class GovernancePublisher:
    """How the governance service announces changes: on the document's topic."""

    def __init__(self, hub: LiveHub) -> None:
        self.hub = hub
        hub.decode_with(KIND, GovernanceEvent.from_json)

    async def publish(self, document: str, events: list[GovernanceEvent]) -> None:
        """Returns once queued (the caller's transaction is committed); in order."""
        for event in events:
            await self.hub.publish(topic(document), event)
