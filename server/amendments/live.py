"""Who may see an amendment, and live delivery of amendment changes to each peer by role.

- ``visible``: everyone who may read the document (followers too, read-only);
- ``pending`` (an observer's, not yet admitted) and ``rejected`` by moderation: its
  proposer, the chair and the secretariat.

Each change carries the amendment's visibility before and after it; a peer gets
``amendment-created`` (now visible to it), ``amendment-updated`` (still visible) or
``amendment-removed`` (no longer visible), and nothing about one it never sees.
The topic ``amendments:<document>`` is followed by every document connection; the
follow namespace of a session working on the document follows
``amendments-follow:<document>``, which carries admitted (visible) ones only,
whatever the follower's role.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from server.auth.permissions import Action, can
from server.auth.principal import Principal
from server.comments.live import principal_key
from server.live.hub import LiveHub

KIND = "amendments"
FOLLOW_KIND = "amendments-follow"


def topic(document: str) -> str:
    """The live topic of a document's amendments."""
    return f"{KIND}:{document}"


def follow_topic(document: str) -> str:
    """The live topic of a document's admitted amendments (sessions' follow view)."""
    return f"{FOLLOW_KIND}:{document}"


@dataclass(frozen=True)
class Visibility:
    moderation: str
    proposer: str  # principal_key of the proposer

    def public(self) -> Visibility:
        """As the follow view shows it: admitted ones only, to every role."""
        return Visibility(self.moderation, "") if self.moderation == "visible" else HIDDEN

    def seen_by(self, principal: Principal) -> bool:
        if self.moderation == "hidden":
            return False
        if self.moderation == "visible":
            return True
        mine = not principal.anonymous and principal_key(principal) == self.proposer
        return mine or can(principal, Action.DECIDE_AMENDMENTS)


HIDDEN = Visibility("hidden", "")


@dataclass(frozen=True)
class Change:
    """One amendment's new content and its visibility before and after (a hub Message)."""

    amendment: dict[str, Any]
    before: Visibility | None
    after: Visibility | None
    history_id = None

    def to_json(self) -> dict[str, Any]:
        def vis(v: Visibility | None) -> list[str] | None:
            return None if v is None else [v.moderation, v.proposer]

        return {"amendment": self.amendment, "before": vis(self.before), "after": vis(self.after)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Change:
        def vis(v: Any) -> Visibility | None:
            return None if v is None else Visibility(str(v[0]), str(v[1]))

        return cls(data["amendment"], vis(data["before"]), vis(data["after"]))

    def event_for(self, principal: Principal) -> str | None:
        was = self.before is not None and self.before.seen_by(principal)
        now = self.after is not None and self.after.seen_by(principal)
        if now:
            return "amendment-updated" if was else "amendment-created"
        return "amendment-removed" if was else None

    def data_for(self, event: str) -> dict[str, Any]:
        if event == "amendment-removed":  # nothing but the id of what is gone
            return {"id": self.amendment["id"], "document": self.amendment["document"]}
        return self.amendment


class AmendmentPublisher:
    """How the amendment service announces changes: on the document's live topic."""

    def __init__(self, hub: LiveHub) -> None:
        self._hub = hub
        hub.decode_with(KIND, Change.from_json)
        hub.decode_with(FOLLOW_KIND, Change.from_json)

    async def publish(self, document: str, changes: Sequence[Change]) -> None:
        for change in changes:
            await self._hub.publish(topic(document), change)
            public = Change(
                change.amendment,
                None if change.before is None else change.before.public(),
                None if change.after is None else change.after.public(),
            )
            await self._hub.publish(follow_topic(document), public)
