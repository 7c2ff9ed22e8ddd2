"""What every comment command shares: access to the document, visibility, anchors, announcing."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import pycrdt
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crdt import anchors, updates
from server.auth.access import DocumentRef, readable_document
from server.auth.principal import Principal
from server.comments import schemas
from server.comments.format import anchor_of, comment_model, visibility
from server.comments.live import Change, CommentPublisher, Visibility
from server.comments.models import Comment
from server.errors import NotFound
from server.ratelimit import RateLimiter
from server.rooms.manager import RoomManager

Changes = list[tuple[Comment, Visibility | None, Visibility | None]]


class CommentBase:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        rooms: RoomManager,
        hub: CommentPublisher,
        logger: logging.Logger,
        limiter: RateLimiter | None = None,
        edit_limiter: RateLimiter | None = None,
        history_kept: int = 20,
    ) -> None:
        self._sessions = sessions
        self._rooms = rooms
        self.hub = hub
        self._log = logger
        # Per person: new comments, and edits (each edit keeps a revision).
        self.limiter = limiter or RateLimiter(what="comments")
        self.edit_limiter = edit_limiter or RateLimiter(what="comment edits")
        # Earlier versions kept per comment; older ones are dropped on each edit.
        self.history_kept = history_kept

    # -- helpers -------------------------------------------------------------------

    async def _document(self, db: AsyncSession, actor: Principal, name: str) -> DocumentRef:
        """The document if ``actor`` may read it (``access.readable_document``)."""
        return await readable_document(db, actor, name)

    async def _visible(
        self, db: AsyncSession, actor: Principal, d: DocumentRef, comment_id: int
    ) -> tuple[Comment, Comment | None]:
        """(comment, its thread's first comment if a reply); 404 unless ``actor`` sees it."""
        comment = await db.get(Comment, comment_id)
        root = None
        if comment is not None and comment.parent_id is not None:
            root = await db.get(Comment, comment.parent_id)
        if (
            comment is None
            or comment.document_id != d.id
            or not visibility(comment, root).seen_by(actor)
        ):
            raise NotFound(f"no comment {comment_id} on {d.name!r}")
        return comment, root

    async def _thread(
        self, db: AsyncSession, comment: Comment, root: Comment | None, before: Visibility
    ) -> Changes:
        """The change of ``comment`` and, for a thread's first comment, of its replies."""
        changes: Changes = [(comment, before, visibility(comment, root))]
        if root is None and before != visibility(comment):
            replies = await db.scalars(
                select(Comment)
                .where(Comment.parent_id == comment.id, Comment.deleted_at.is_(None))
                .order_by(Comment.id)
            )
            for reply in replies:
                own = visibility(reply)
                changes.append(
                    (
                        reply,
                        Visibility(own.moderation, own.deleted, own.author, before),
                        visibility(reply, comment),
                    )
                )
        return changes

    async def _ydoc(self, name: str) -> pycrdt.Doc[Any]:
        """The live room's document when loaded here, else the stored one."""
        doc = await self._rooms.document(name)
        return doc if doc is not None else updates.new_doc()

    async def _models(self, document: str, comments: Sequence[Comment]) -> list[schemas.Comment]:
        resolver = None
        if any(c.anchor_kind in ("paragraph", "range") for c in comments):
            resolver = anchors.Resolver(await self._ydoc(document))
        out = []
        for c in comments:
            anchor = anchor_of(c)
            resolved = resolver.resolve(anchor) if resolver and anchor else None
            if anchor is not None and anchor.kind == "document":
                resolved = anchors.Resolved("document", True)
            out.append(comment_model(c, document, resolved))
        return out

    async def _announce(
        self,
        document: str,
        changes: Sequence[tuple[Comment, Visibility | None, Visibility | None]],
    ) -> list[schemas.Comment]:
        """Tell every peer what changed (as it may see it); the changed comments."""
        models = await self._models(document, [c for c, _, _ in changes])
        await self.hub.publish(
            document,
            [
                Change(m.model_dump(mode="json"), before, after)
                for m, (_, before, after) in zip(models, changes, strict=True)
            ],
        )
        return models
