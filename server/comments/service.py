"""Comments: threads anchored in the text, moderation of observers' comments, flags.

Every command checks the actor's role and the document's access rules, runs in
one transaction with its audit entry, and only then announces the change live
(on the live hub, ``CommentPublisher``), so nobody hears of something that was not written.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from crdt import anchors
from server import audit
from server.auth.permissions import Action, can, require, require_role
from server.auth.principal import Principal
from server.auth.tokens import Role
from server.comments import schemas
from server.comments.base import Changes, CommentBase
from server.comments.format import decision_model, edit_model, visibility
from server.comments.live import principal_key
from server.comments.models import Comment, CommentDecision, CommentEdit
from server.errors import Forbidden, InvalidTransition, NotFound
from server.storage.models import Document, utcnow
from server.validation import ValidationFailed

ACT = {"approved": "approve", "rejected": "reject"}


class CommentService(CommentBase):
    # -- reading -------------------------------------------------------------------

    async def list_comments(self, actor: Principal, document: str) -> schemas.CommentList:
        """The comments ``actor`` may see, each thread's replies after its first comment."""
        async with self._sessions() as db:
            d = await self._document(db, actor, document)
            rows = (
                await db.scalars(
                    select(Comment)
                    .where(Comment.document_id == d.id, Comment.deleted_at.is_(None))
                    .order_by(Comment.id)
                )
            ).all()
        by_id = {c.id: c for c in rows}
        seen = [
            c
            for c in rows
            if visibility(c, by_id.get(c.parent_id) if c.parent_id else None).seen_by(actor)
            and (c.parent_id is None or c.parent_id in by_id)
        ]
        return schemas.CommentList(comments=await self._models(document, seen))

    async def get(self, actor: Principal, document: str, comment_id: int) -> schemas.CommentDetail:
        async with self._sessions() as db:
            d = await self._document(db, actor, document)
            comment, _ = await self._visible(db, actor, d, comment_id)
            # The latest revisions only (older ones are pruned on edit; the limit here
            # also bounds comments edited before the pruning existed).
            edits = await db.scalars(
                select(CommentEdit)
                .where(CommentEdit.comment_id == comment.id)
                .order_by(CommentEdit.id.desc())
                .limit(self.history_kept)
            )
            history = [edit_model(e) for e in reversed(edits.all())]
            decisions = None
            if can(actor, Action.MODERATE_COMMENTS):
                rows = await db.scalars(
                    select(CommentDecision)
                    .where(CommentDecision.comment_id == comment.id)
                    .order_by(CommentDecision.id)
                )
                decisions = [decision_model(x) for x in rows]
            out = (await self._models(document, [comment]))[0]
        return schemas.CommentDetail(**dict(out), history=history, decisions=decisions)

    async def queue(self, actor: Principal, group_id: int) -> schemas.CommentList:
        """Comments awaiting the group: observers' pending ones and flagged ones."""
        require(actor, Action.READ_TEXT, group_id)
        require_role(actor, Action.MODERATE_COMMENTS)
        async with self._sessions() as db:
            rows = (
                await db.execute(
                    select(Comment, Document.name)
                    .join(Document, Document.id == Comment.document_id)
                    .where(
                        Comment.group_id == group_id,
                        Comment.deleted_at.is_(None),
                        Comment.moderation.in_(("pending", "flagged")),
                    )
                    .order_by(Comment.id)
                )
            ).all()
        out: list[schemas.Comment] = []
        for name in dict.fromkeys(name for _, name in rows):
            out += await self._models(name, [c for c, n in rows if n == name])
        return schemas.CommentList(comments=sorted(out, key=lambda c: c.id))

    # -- writing -------------------------------------------------------------------

    async def create(
        self, actor: Principal, document: str, new: schemas.CommentCreate
    ) -> schemas.Comment:
        """A new thread, anchored where ``new.anchor`` says (none: the whole document)."""
        return await self._create(actor, document, new.body, anchor=new.anchor)

    async def reply(
        self, actor: Principal, document: str, parent_id: int, new: schemas.CommentBody
    ) -> schemas.Comment:
        """A reply to the thread of ``parent_id`` (a reply's thread, for a reply)."""
        return await self._create(actor, document, new.body, parent_id=parent_id)

    async def _create(
        self,
        actor: Principal,
        document: str,
        body: str,
        *,
        anchor: schemas.NewAnchor | None = None,
        parent_id: int | None = None,
    ) -> schemas.Comment:
        require_role(actor, Action.POST_COMMENT)
        where = anchor or schemas.NewAnchor()
        async with self._sessions() as db:
            d = await self._document(db, actor, document)
            made: anchors.Anchor | None = None
            if parent_id is not None:
                parent, root = await self._visible(db, actor, d, parent_id)
                parent_id = (root or parent).id
                if (root or parent).moderation != "visible":
                    raise InvalidTransition("replies go to threads the group can see")
            else:
                try:
                    made = anchors.create(
                        await self._ydoc(document), where.paragraph_id, where.start, where.end
                    )
                except anchors.AnchorError as exc:
                    raise ValidationFailed({exc.field: exc.message}) from exc
        self.limiter.take(principal_key(actor))
        async with self._sessions.begin() as db:
            comment = Comment(
                document_id=d.id,
                group_id=d.group_id,
                parent_id=parent_id,
                author_person_id=actor.person_id,
                author_key=principal_key(actor),
                author_name=actor.name,
                author_role=actor.role.value,
                body=body,
                moderation="pending" if actor.role is Role.OBSERVER else "visible",
                state="open",
                created_at=utcnow(),
            )
            if made is not None:
                comment.anchor_kind = made.kind
                comment.paragraph_id = made.paragraph_id
                comment.start_sticky, comment.end_sticky = made.start, made.end
                comment.anchor_chars = made.chars_json() if made.chars else None
                comment.quote_exact, comment.quote_prefix = made.exact, made.prefix
                comment.quote_suffix = made.suffix
            db.add(comment)
            await db.flush()
            root = await db.get(Comment, parent_id) if parent_id else None
            audit.record(
                db,
                actor,
                "comment.reply" if parent_id else "comment.create",
                f"comment:{comment.id}",
                group_id=d.group_id,
                document=document,
                moderation=comment.moderation,
                anchor=comment.anchor_kind,
            )
            after = visibility(comment, root)
        return (await self._announce(document, [(comment, None, after)]))[0]

    async def edit(
        self, actor: Principal, document: str, comment_id: int, change: schemas.CommentBody
    ) -> schemas.Comment:
        """The author rewords; the last ``history_kept`` bodies are kept. An observer's
        edit goes back to review. Edits are rate-limited per person."""
        async with self._sessions.begin() as db:
            d = await self._document(db, actor, document)
            comment, root = await self._visible(db, actor, d, comment_id)
            if comment.author_key != principal_key(actor):
                raise Forbidden("only its author may edit a comment")
            if comment.moderation == "rejected":
                raise InvalidTransition("a rejected comment cannot be edited")
            self.edit_limiter.take(principal_key(actor))
            before = visibility(comment, root)
            db.add(
                CommentEdit(comment_id=comment.id, previous_body=comment.body, edited_at=utcnow())
            )
            await db.flush()
            await self._prune_history(db, comment.id)
            comment.body, comment.edited_at = change.body, utcnow()
            if actor.role is Role.OBSERVER and comment.moderation == "visible":
                comment.moderation = "pending"
            audit.record(
                db, actor, "comment.edit", f"comment:{comment.id}", group_id=d.group_id,
                document=document, moderation=comment.moderation,
            )  # fmt: skip
            changes = await self._thread(db, comment, root, before)
        return (await self._announce(document, changes))[0]

    async def _prune_history(self, db: AsyncSession, comment_id: int) -> None:
        """Drop all but the latest ``history_kept`` earlier versions of a comment."""
        kept = (
            select(CommentEdit.id)
            .where(CommentEdit.comment_id == comment_id)
            .order_by(CommentEdit.id.desc())
            .limit(self.history_kept)
            .scalar_subquery()
        )
        await db.execute(
            delete(CommentEdit).where(
                CommentEdit.comment_id == comment_id, CommentEdit.id.not_in(kept)
            )
        )

    async def set_state(
        self, actor: Principal, document: str, comment_id: int, *, resolved: bool
    ) -> schemas.Comment:
        """Resolve (or reopen) a visible thread."""
        require_role(actor, Action.RESOLVE_COMMENT)
        async with self._sessions.begin() as db:
            d = await self._document(db, actor, document)
            comment, root = await self._visible(db, actor, d, comment_id)
            if root is not None:
                raise InvalidTransition("resolve the thread, not a reply")
            if comment.moderation != "visible":
                raise InvalidTransition(f"a {comment.moderation} comment cannot be resolved")
            target = "resolved" if resolved else "open"
            if comment.state == target:
                raise InvalidTransition(f"the thread is already {target}")
            comment.state = target
            comment.resolved_by = actor.actor if resolved else None
            comment.resolved_at = utcnow() if resolved else None
            action = "comment.resolve" if resolved else "comment.reopen"
            audit.record(db, actor, action, f"comment:{comment.id}", group_id=d.group_id)
            vis = visibility(comment)
        return (await self._announce(document, [(comment, vis, vis)]))[0]

    async def delete(
        self, actor: Principal, document: str, comment_id: int
    ) -> schemas.CommentDeleted:
        """Soft delete by the author or the chair; a thread's replies go with it."""
        async with self._sessions.begin() as db:
            d = await self._document(db, actor, document)
            comment, root = await self._visible(db, actor, d, comment_id)
            mine = comment.author_key == principal_key(actor)
            if not mine and not can(actor, Action.DELETE_ANY_COMMENT):
                raise Forbidden("only its author or the chair may delete a comment")
            before = visibility(comment, root)
            comment.deleted_at, comment.deleted_by = utcnow(), actor.actor
            audit.record(
                db, actor, "comment.delete", f"comment:{comment.id}", group_id=d.group_id,
                document=document, author=comment.author_key,
            )  # fmt: skip
            changes = await self._thread(db, comment, root, before)
        await self._announce(document, changes)
        return schemas.CommentDeleted(id=comment_id, deleted=True)

    async def flag(
        self, actor: Principal, document: str, comment_id: int, flag: schemas.CommentFlag
    ) -> schemas.Comment:
        """A member sends a visible comment back to review: hidden until re-approved."""
        require_role(actor, Action.FLAG_COMMENT)
        async with self._sessions.begin() as db:
            d = await self._document(db, actor, document)
            comment, root = await self._visible(db, actor, d, comment_id)
            if comment.moderation != "visible":
                raise InvalidTransition(
                    f"only visible comments can be flagged ({comment.moderation})"
                )
            before = visibility(comment, root)
            reason, note = flag.reason, flag.note
            comment.moderation, comment.flag_reason = "flagged", reason
            db.add(CommentDecision(
                comment_id=comment.id, decision="flagged", actor=actor.actor, at=utcnow(),
                reason=reason if not note else f"{reason}: {note}",
            ))  # fmt: skip
            audit.record(
                db, actor, "comment.flag", f"comment:{comment.id}", group_id=d.group_id,
                document=document, reason=reason, note=note,
            )  # fmt: skip
            changes = await self._thread(db, comment, root, before)
        return (await self._announce(document, changes))[0]

    async def decide(
        self,
        actor: Principal,
        group_id: int,
        comment_ids: Sequence[int],
        verdict: schemas.CommentDecide,
        *,
        document: str | None = None,
    ) -> list[schemas.Comment]:
        """Approve or reject pending/flagged comments, all or none, on a meeting's
        agreement (``document``: only comments of that document)."""
        require(actor, Action.READ_TEXT, group_id)
        require_role(actor, Action.MODERATE_COMMENTS)
        decision, meeting, reason = verdict.decision, verdict.meeting, verdict.reason
        by_document: dict[str, Changes] = {}
        async with self._sessions.begin() as db:
            rows = (
                await db.execute(
                    select(Comment, Document.name)
                    .join(Document, Document.id == Comment.document_id)
                    .where(Comment.id.in_(comment_ids), Comment.group_id == group_id)
                    .where(Comment.deleted_at.is_(None))
                )
            ).all()
            found = {c.id: (c, name) for c, name in rows if document in (None, name)}
            missing = sorted(set(comment_ids) - set(found))
            if missing:
                raise NotFound(f"no comment {missing} awaiting this group", ids=missing)
            for cid in dict.fromkeys(comment_ids):
                comment, name = found[cid]
                if comment.moderation not in ("pending", "flagged"):
                    raise InvalidTransition(
                        f"comment {cid} is {comment.moderation}, not awaiting a decision", id=cid
                    )
                root = await db.get(Comment, comment.parent_id) if comment.parent_id else None
                before = visibility(comment, root)
                comment.moderation = "visible" if decision == "approved" else "rejected"
                comment.decided_by, comment.decided_at = actor.actor, utcnow()
                comment.decision_meeting, comment.decision_reason = meeting, reason
                if decision == "approved":
                    comment.flag_reason = None
                db.add(CommentDecision(
                    comment_id=cid, decision=decision, actor=actor.actor, at=comment.decided_at,
                    meeting_ref=meeting, reason=reason,
                ))  # fmt: skip
                audit.record(
                    db, actor, "comment." + ACT[decision], f"comment:{cid}", group_id=group_id,
                    document=name, meeting=meeting, reason=reason, author=comment.author_key,
                )  # fmt: skip
                by_document.setdefault(name, []).extend(
                    await self._thread(db, comment, root, before)
                )
        out: list[schemas.Comment] = []
        for name, changes in by_document.items():
            announced = await self._announce(name, changes)
            out += [c for c in announced if c.id in found]
        return sorted(out, key=lambda c: c.id)

    async def group_of(self, actor: Principal, document: str) -> int:
        """The working group of a document ``actor`` may read."""
        async with self._sessions() as db:
            d = await self._document(db, actor, document)
        if d.group_id is None:
            raise NotFound("comments are moderated in working groups; this document has none")
        return d.group_id
