"""Who may see a comment, and live delivery of comment changes to each peer by role.

Visibility (DESIGN.md section 5):

- ``visible``: everyone who may read the document (followers, anonymous ones too);
- ``pending`` (an observer's comment awaiting the group) and ``flagged`` (back to
  review): its author, the chair and the secretariat;
- ``rejected``: its author only;
- deleted: nobody.

A reply is seen only by those who also see its thread's first comment.

Each change carries the comment's visibility before and after it; every connected
peer of the document's namespace gets ``comment-created`` (now visible to it),
``comment-updated`` (still visible) or ``comment-removed`` (no longer visible),
and nothing at all about a comment it never sees, not even its id. Each change is
a message on the live hub's topic ``comments:<document>`` (server/live/), which
every document connection follows: the hub delivers in order, encodes each
event once for all its recipients and carries changes to the other processes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from server.auth.permissions import Action, can
from server.auth.principal import Principal
from server.live.hub import LiveHub

KIND = "comments"


def topic(document: str) -> str:
    """The live topic of a document's comments."""
    return f"{KIND}:{document}"


def principal_key(principal: Principal) -> str:
    """How a comment names its author (stable across renames and tokens)."""
    if principal.person_id is not None:
        return f"person:{principal.person_id}"
    return principal.actor


@dataclass(frozen=True)
class Visibility:
    moderation: str
    deleted: bool
    author: str
    # The thread's first comment, for a reply.
    root: Visibility | None = None

    def seen_by(self, principal: Principal) -> bool:
        if not _sees(principal, self):
            return False
        return self.root is None or _sees(principal, self.root)

    def to_list(self) -> list[Any]:
        return [
            self.moderation,
            self.deleted,
            self.author,
            None if self.root is None else self.root.to_list(),
        ]

    @classmethod
    def from_list(cls, data: Sequence[Any]) -> Visibility:
        root = None if data[3] is None else cls.from_list(data[3])
        return cls(str(data[0]), bool(data[1]), str(data[2]), root)


def _sees(principal: Principal, vis: Visibility) -> bool:
    if vis.deleted:
        return False
    if vis.moderation == "visible":
        return True
    mine = principal_key(principal) == vis.author and not principal.anonymous
    if vis.moderation == "rejected":
        return mine
    return mine or can(principal, Action.MODERATE_COMMENTS)  # pending, flagged


@dataclass(frozen=True)
class Change:
    """One comment's new content and its visibility before and after (None: absent).

    A live hub ``Message``: each recipient gets the event its principal may see.
    """

    comment: dict[str, Any]
    before: Visibility | None
    after: Visibility | None
    history_id = None  # a document connection has no history to de-duplicate against

    def to_json(self) -> dict[str, Any]:
        return {
            "comment": self.comment,
            "before": None if self.before is None else self.before.to_list(),
            "after": None if self.after is None else self.after.to_list(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Change:
        before, after = data["before"], data["after"]
        return cls(
            data["comment"],
            None if before is None else Visibility.from_list(before),
            None if after is None else Visibility.from_list(after),
        )

    def event_for(self, principal: Principal) -> str | None:
        was = self.before is not None and self.before.seen_by(principal)
        now = self.after is not None and self.after.seen_by(principal)
        if now:
            return "comment-updated" if was else "comment-created"
        return "comment-removed" if was else None

    def data_for(self, event: str) -> dict[str, Any]:
        if event == "comment-removed":  # nothing but the id of what is gone
            return {"id": self.comment["id"], "document": self.comment["document"]}
        return self.comment


class CommentPublisher:
    """How the comment service announces changes: on the document's live topic."""

    def __init__(self, hub: LiveHub) -> None:
        self._hub = hub
        hub.decode_with(KIND, Change.from_json)

    async def publish(self, document: str, changes: Sequence[Change]) -> None:
        for change in changes:
            await self._hub.publish(topic(document), change)
