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
and nothing at all about a comment it never sees, not even its id. Each event is
encoded once for all peers that receive it. Changes reach other processes on the
bus (one topic for all documents), and each process delivers to its own peers.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from server.auth.permissions import Action, can
from server.auth.principal import Principal
from server.rooms.manager import RoomManager
from server.scaleout.bus import DocumentBus
from server.tasks import spawn
from server.transports.socketio import NAMESPACE_PREFIX, SocketIOPeer

TOPIC = "comments"


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
    """One comment's new content and its visibility before and after (None: absent)."""

    comment: dict[str, Any]
    before: Visibility | None
    after: Visibility | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "comment": self.comment,
            "before": None if self.before is None else self.before.to_list(),
            "after": None if self.after is None else self.after.to_list(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Change:
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


class CommentHub:
    def __init__(
        self, rooms: RoomManager, logger: logging.Logger, bus: DocumentBus | None = None
    ) -> None:
        self._rooms = rooms
        self._log = logger
        self._bus = bus

    async def lifecycle(self, app: web.Application) -> AsyncIterator[None]:
        """``cleanup_ctx``: follow the other processes' comment events (the bus is up)."""
        if self._bus is not None:
            await self._bus.follow(TOPIC, self._from_bus)
        yield
        if self._bus is not None:
            await self._bus.unfollow(TOPIC)

    async def publish(self, document: str, changes: Sequence[Change]) -> None:
        if not changes:
            return
        if self._bus is not None:
            payload = {"document": document, "changes": [c.to_dict() for c in changes]}
            self._bus.publish_event(TOPIC, json.dumps(payload, default=str).encode())
        await self.deliver(document, changes)

    def _from_bus(self, payload: bytes) -> None:
        message = json.loads(payload)
        changes = [Change.from_dict(c) for c in message["changes"]]
        spawn(self.deliver(str(message["document"]), changes))

    async def deliver(self, document: str, changes: Sequence[Change]) -> None:
        """Send each of this process's peers of ``document`` what its role may see."""
        room = self._rooms.loaded(document)
        if room is None:
            return
        namespace = NAMESPACE_PREFIX + document
        peers = [
            peer
            for peer in room.peers.values()
            if isinstance(peer, SocketIOPeer) and peer.namespace == namespace
        ]
        for change in changes:
            groups: dict[str, list[SocketIOPeer]] = {}
            for peer in peers:
                event = change.event_for(peer.principal)
                if event is not None:
                    groups.setdefault(event, []).append(peer)
            for event, recipients in groups.items():
                data = (
                    {"id": change.comment["id"], "document": document}
                    if event == "comment-removed"
                    else change.comment
                )
                try:
                    await SocketIOPeer.send_event(recipients, event, data)
                except Exception:
                    self._log.exception("comment event %s for %s not delivered", event, document)
