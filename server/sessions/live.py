"""A session's live events (status, stream links, transcript) as live hub messages.

Every follower of a session gets every event of its topic ``session:<id>``; a
follower joins with history-then-live (server/sessions/follow.py), and a
transcript segment its history already carried is not sent again (the hub
skips by the segment's id).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from server.auth.principal import Principal
from server.live.hub import LiveHub

KIND = "session"


def topic(session_id: int) -> str:
    """The live topic of a session's events."""
    return f"{KIND}:{session_id}"


@dataclass(frozen=True)
class SessionEvent:
    """One event for every follower of a session (a live hub ``Message``)."""

    event: str
    data: dict[str, Any]

    @property
    def history_id(self) -> int | None:
        """A segment's id: what a follower's transcript history may already hold."""
        return int(self.data["id"]) if self.event == "transcript-segment" else None

    def event_for(self, principal: Principal) -> str:
        return self.event  # whoever follows the session sees all of it

    def data_for(self, event: str) -> dict[str, Any]:
        return self.data

    def to_json(self) -> dict[str, Any]:
        return {"event": self.event, "data": self.data}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SessionEvent:
        return cls(str(data["event"]), data["data"])


class SessionPublisher:
    """How the session services announce events: on the session's live topic."""

    def __init__(self, hub: LiveHub) -> None:
        self._hub = hub
        hub.decode_with(KIND, SessionEvent.from_json)

    async def publish(self, session_id: int, event: str, data: dict[str, Any]) -> None:
        """Returns once the event is queued (the caller's transaction is committed)."""
        await self._hub.publish(topic(session_id), SessionEvent(event, data))
