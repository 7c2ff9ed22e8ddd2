"""The governance commands of the rolling text (DESIGN.md section 3): structure,
status, metadata, options, opinions and the document's own metadata.

Each command names the permission it needs (one matrix, ``server.auth.permissions``),
checks the transition against the current state, and goes through
``GovernanceBase.govern``: written by the server, recorded as a decision (who, when,
which session), audited, announced live. Status proposals are in ``proposals.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pycrdt
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crdt import schema
from server.auth.access import DocumentRef
from server.auth.permissions import Action, allowed
from server.auth.principal import Principal
from server.errors import BadInput, Forbidden, InvalidTransition, NotFound
from server.paragraphs import records, schemas
from server.paragraphs.base import GovernanceBase, Outcome, require_open
from server.paragraphs.models import ParagraphDecision

DELETED = schema.Status.DELETED.value
GOVERNED_FIELDS = ("label", "section", "kind", "sequence", "proposers", "supporters")


def _status_change(para: schema.Paragraph, status: str) -> None:
    """Refuse an illegal status transition (see the contract)."""
    if para.deleted:
        raise InvalidTransition("the paragraph is deleted: restore it first", paragraph=para.id)
    if para.status == status:
        raise InvalidTransition(f"the paragraph is already {status}", paragraph=para.id)


class ParagraphService(GovernanceBase):
    async def _change_paragraph(
        self,
        actor: Principal,
        name: str,
        permission: Action | None,
        change: Callable[[pycrdt.Doc[Any]], Outcome],
        **options: Any,
    ) -> schemas.Paragraph:
        """A paragraph command through ``govern`` (``options``: its keywords); the
        paragraph as changed."""
        outcome, _ = await self.govern(actor, name, permission, change, **options)
        result: schemas.Paragraph = outcome.result
        return result

    # -- the document ------------------------------------------------------------------

    async def update_document(
        self, actor: Principal, name: str, body: schemas.DocumentUpdate
    ) -> schemas.DocumentMeta:
        """Title, kind and session of the document (officers)."""
        given = body.model_fields_set
        if not given:
            raise BadInput("give at least one of title, kind, session")

        def change(doc: pycrdt.Doc[Any]) -> Outcome:
            before = schema.document_meta(doc)
            title: str = body.title or before["title"]
            kind: str = body.kind or before["kind"]
            session: int | None = body.session if "session" in given else before["session"]
            after = {"title": title, "kind": kind, "session": session}
            schema.init_document(doc, title=title, kind=kind, session=session)
            meta = records.meta(doc)
            return Outcome("", "document", before, after, state=meta, result=meta)

        outcome, _ = await self.govern(
            actor, name, Action.GOVERN_PARAGRAPHS, change, session=body.session
        )
        result: schemas.DocumentMeta = outcome.result
        return result

    # -- structure: add, move, delete, restore, brackets ---------------------------------

    async def add(
        self, actor: Principal, name: str, body: schemas.ParagraphCreate
    ) -> schemas.Paragraph:
        spec = schema.ParagraphSpec(
            label=body.label,
            section=body.section,
            kind=body.kind,
            text=body.text,
            sequence=body.sequence,
            proposers=tuple(body.proposers),
        )

        def change(doc: pycrdt.Doc[Any]) -> Outcome:
            after: Any = ...
            if "after" in body.model_fields_set:
                after = None if body.after is None else self.resolve(doc, body.after).id
            pid = schema.add_paragraph(doc, spec, after=after)
            para = schema.get_paragraph(doc, pid)
            return self.paragraph_outcome(doc, para, "create", None, para.to_record())

        return await self._change_paragraph(actor, name, Action.EDIT_STRUCTURE, change)

    async def move(
        self, actor: Principal, name: str, ref: str, body: schemas.ParagraphMove
    ) -> schemas.Paragraph:
        def change(doc: pycrdt.Doc[Any]) -> Outcome:
            para = self.resolve(doc, ref)
            after = None if body.after is None else self.resolve(doc, body.after).id
            if after == para.id:
                raise BadInput("a paragraph cannot be placed after itself")
            moved = schema.move_paragraph(doc, para.id, after=after)
            return self.paragraph_outcome(
                doc, moved, "move", {"order": para.order}, {"order": moved.order, "after": after}
            )

        return await self._change_paragraph(actor, name, Action.EDIT_STRUCTURE, change)

    async def delete(self, actor: Principal, name: str, ref: str) -> schemas.Paragraph:
        """Mark deleted (its text is kept; restore brings it back). Not a locked one."""

        def change(doc: pycrdt.Doc[Any]) -> Outcome:
            para = self.resolve(doc, ref)
            require_open(para, deleted=f"{para.label} is already deleted")
            done = schema.update_paragraph(
                doc, para.id, status=DELETED, previous_status=para.status
            )
            return self.paragraph_outcome(doc, done, "delete", para.status, DELETED)

        return await self._change_paragraph(actor, name, Action.EDIT_STRUCTURE, change)

    async def restore(self, actor: Principal, name: str, ref: str) -> schemas.Paragraph:
        """Bring a deleted paragraph back with its previous status: officers, or the
        person who deleted it while that is still its latest decision (undo)."""

        async def may_restore(db: AsyncSession, d: DocumentRef) -> None:
            if allowed(actor, Action.GOVERN_PARAGRAPHS, d.group_id):
                return
            para = self.resolve(await self._ydoc(name), ref)
            latest = await db.scalar(
                select(ParagraphDecision)
                .where(
                    ParagraphDecision.document_id == d.id,
                    ParagraphDecision.paragraph_id == para.id,
                )
                .order_by(ParagraphDecision.id.desc())
                .limit(1)
            )
            undo = (
                latest is not None
                and latest.action == "delete"
                and actor.person_id is not None
                and latest.person_id == actor.person_id
                and allowed(actor, Action.EDIT_STRUCTURE, d.group_id)
            )
            if not undo:
                raise Forbidden(
                    "only the chair or the secretariat restore a paragraph "
                    "(or whoever deleted it, to undo that)",
                    action=Action.GOVERN_PARAGRAPHS.value,
                )

        def change(doc: pycrdt.Doc[Any]) -> Outcome:
            para = self.resolve(doc, ref)
            if not para.deleted:
                raise InvalidTransition(f"{para.label} is not deleted", paragraph=para.id)
            status = para.previous_status or schema.Status.DRAFT.value
            done = schema.update_paragraph(doc, para.id, status=status, previous_status="")
            return self.paragraph_outcome(doc, done, "restore", DELETED, status)

        return await self._change_paragraph(actor, name, None, change, check=may_restore)

    async def bracket(
        self, actor: Principal, name: str, ref: str, body: schemas.BracketRange
    ) -> schemas.Paragraph:
        """Wrap ``[start, end)`` of the text in square brackets, as one server edit."""

        def change(doc: pycrdt.Doc[Any]) -> Outcome:
            para = self.resolve(doc, ref)
            require_open(
                para, locked=f"{para.label} is {para.status}", deleted=f"{para.label} is deleted"
            )
            text = schema.text_root(doc, para.id)
            words = str(text)
            length = len(words)
            if not body.start < body.end <= length:
                raise BadInput(
                    f"the range must satisfy 0 <= start < end <= {length}",
                    start=body.start, end=body.end, length=length,
                )  # fmt: skip
            # pycrdt indexes text in UTF-8 bytes; the API's offsets are code points.
            start, end = (len(words[:i].encode()) for i in (body.start, body.end))
            with doc.transaction():
                text.insert(end, "]")
                text.insert(start, "[")
            span = {"start": body.start, "end": body.end + 2}
            return self.paragraph_outcome(doc, para, "metadata", None, {"brackets": span})

        return await self._change_paragraph(actor, name, Action.EDIT_STRUCTURE, change)

    # -- governed fields -----------------------------------------------------------------

    async def set_status(
        self, actor: Principal, name: str, ref: str, body: schemas.StatusChange
    ) -> schemas.Paragraph:
        return await self._change_paragraph(
            actor,
            name,
            Action.GOVERN_PARAGRAPHS,
            self.status_change(ref, body.status, body.note),
            session=body.session,
        )

    def status_change(self, ref: str, status: str, note: str | None) -> Any:
        def change(doc: pycrdt.Doc[Any]) -> Outcome:
            para = self.resolve(doc, ref)
            _status_change(para, status)
            done = schema.update_paragraph(doc, para.id, status=status)
            outcome = self.paragraph_outcome(doc, done, "status", para.status, status)
            outcome.audit = {"note": note}
            return outcome

        return change

    async def update(
        self, actor: Principal, name: str, ref: str, body: schemas.ParagraphUpdate
    ) -> schemas.Paragraph:
        """Label, section, kind, sequence, proposers, supporters (officers)."""
        given = {k: getattr(body, k) for k in GOVERNED_FIELDS if k in body.model_fields_set}
        if not given or any(v is None for v in given.values()):
            raise BadInput(f"give at least one of {', '.join(GOVERNED_FIELDS)} (not null)")
        values = {k: tuple(v) if isinstance(v, list) else v for k, v in given.items()}

        def change(doc: pycrdt.Doc[Any]) -> Outcome:
            para = self.resolve(doc, ref)
            record = para.to_record()
            before = {k: record[k] for k in values}
            done = schema.update_paragraph(doc, para.id, **values)
            after = {k: done.to_record()[k] for k in values}
            return self.paragraph_outcome(doc, done, "metadata", before, after)

        return await self._change_paragraph(actor, name, Action.GOVERN_PARAGRAPHS, change)

    async def add_option(
        self, actor: Principal, name: str, ref: str, body: schemas.OptionCreate
    ) -> schemas.Paragraph:
        option = schema.Option(schema.new_id(), body.label, body.text, tuple(body.proposers))

        def change(doc: pycrdt.Doc[Any]) -> Outcome:
            para = self.resolve(doc, ref)
            done = schema.update_paragraph(doc, para.id, options=(*para.options, option))
            return self.paragraph_outcome(doc, done, "option", None, option.to_record())

        return await self._change_paragraph(actor, name, Action.GOVERN_PARAGRAPHS, change)

    async def remove_option(
        self, actor: Principal, name: str, ref: str, option_id: str
    ) -> schemas.Paragraph:
        def change(doc: pycrdt.Doc[Any]) -> Outcome:
            para = self.resolve(doc, ref)
            gone = [o for o in para.options if o.id == option_id]
            if not gone:
                raise NotFound(f"no option {option_id!r} of {para.label}", option=option_id)
            kept = tuple(o for o in para.options if o.id != option_id)
            done = replace(para, options=kept)
            schema.put_paragraph(doc, done)
            return self.paragraph_outcome(doc, done, "option", gone[0].to_record(), None)

        return await self._change_paragraph(actor, name, Action.GOVERN_PARAGRAPHS, change)

    # -- opinions ----------------------------------------------------------------------

    async def add_opinion(
        self, actor: Principal, name: str, body: schemas.OpinionCreate
    ) -> schemas.Opinion:
        """A divergent view on a paragraph or a section, naming who holds it."""
        if body.paragraph is None and body.section is None:
            raise BadInput("an opinion qualifies a paragraph or a section")

        def change(doc: pycrdt.Doc[Any]) -> Outcome:
            pid = "" if body.paragraph is None else self.resolve(doc, body.paragraph).id
            made = schema.Opinion(
                schema.new_id(), body.text, tuple(body.delegations), pid, body.section or ""
            )
            schema.put_opinion(doc, made)
            view = records.opinion(made)
            return Outcome(pid, "opinion", None, made.to_record(), state=view, result=view)

        outcome, _ = await self.govern(actor, name, Action.GOVERN_PARAGRAPHS, change)
        return outcome.result  # type: ignore[no-any-return]

    async def remove_opinion(self, actor: Principal, name: str, opinion_id: str) -> None:
        def change(doc: pycrdt.Doc[Any]) -> Outcome:
            found = [o for o in schema.opinion_records(doc) if o.id == opinion_id]
            if not found:
                raise NotFound(f"no opinion {opinion_id!r}", opinion=opinion_id)
            schema.remove_opinion(doc, opinion_id)
            view = records.opinion(found[0])
            before = found[0].to_record()
            return Outcome(found[0].paragraph, "opinion", before, None, state=view, removed=True)

        await self.govern(actor, name, Action.GOVERN_PARAGRAPHS, change)

    # -- reading -----------------------------------------------------------------------

    async def decisions(
        self, actor: Principal, name: str, paragraph: str | None = None
    ) -> schemas.ParagraphDecisionList:
        """The decision history (readers), oldest first; of one paragraph if named."""
        async with self._sessions() as db:
            d = await self._document(db, actor, name)
            query = select(ParagraphDecision).where(ParagraphDecision.document_id == d.id)
            if paragraph is not None:
                pid = self.resolve(await self._ydoc(name), paragraph).id
                query = query.where(ParagraphDecision.paragraph_id == pid)
            rows = await db.scalars(query.order_by(ParagraphDecision.id))
            return schemas.ParagraphDecisionList(decisions=[records.decision(r) for r in rows])
