"""The issue table: create items from passages of answers, edit them (check-and-set on
``revision``), merge duplicates (the remaining item reaches every source), cite them
from paragraphs of the rolling text, export the table.

Every command checks the actor's permission (EDIT_ISSUE_TABLE to write,
READ_RESPONSES to read), runs in one transaction with its audit entry and the
group's next live event number, and announces the change after the commit
(``server.issuetable.live``).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from server import audit
from server.auth.access import readable_document
from server.auth.permissions import Action, require
from server.auth.principal import Principal
from server.errors import InvalidTransition, NotFound, StaleRevision
from server.groups.models import GroupDocument, WorkingGroup
from server.issuetable import records, schemas
from server.issuetable.live import GroupEvent, GroupLive, next_seq
from server.issuetable.models import IssueItem, IssueItemCitation, IssueItemSource
from server.storage.models import Document, utcnow
from server.validation import ValidationFailed

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# (db, group, response id, question number) -> the submitted answer's text, or None.
AnswerLookup = Callable[[AsyncSession, int, int, int], Awaitable[str | None]]
# (document, paragraph id or label) -> (paragraph id, label); NotFound if none.
ParagraphLookup = Callable[[str, str], Awaitable[tuple[str, str]]]


async def no_answers(db: AsyncSession, group_id: int, response_id: int, number: int) -> None:
    return None


def locate(answer: str, source: schemas.SourceIn) -> tuple[int, int] | None:
    """Where the quote is in the answer: the first place ``exact`` occurs with ``prefix``
    right before it and ``suffix`` right after (W3C TextQuoteSelector)."""
    start = answer.find(source.exact)
    while start != -1:
        end = start + len(source.exact)
        if answer[:start].endswith(source.prefix) and answer[end:].startswith(source.suffix):
            return start, end
        start = answer.find(source.exact, start + 1)
    return None


class IssueTableService:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        live: GroupLive,
        logger: logging.Logger,
        answers: AnswerLookup = no_answers,
        paragraphs: ParagraphLookup | None = None,
    ) -> None:
        self._sessions = sessions
        self._live = live
        self._log = logger
        self._answers = answers
        self._paragraphs = paragraphs

    # -- reading ---------------------------------------------------------------------

    async def table(
        self, actor: Principal, group_id: int, query: schemas.IssueQuery
    ) -> schemas.IssueTable:
        require(actor, Action.READ_RESPONSES, group_id)
        async with self._sessions() as db:
            await _group(db, group_id)
            every = await records.items(db, group_id)
            c = await records.counts(db, group_id)
        return schemas.IssueTable(
            group_id=group_id, items=[i for i in every if records.matches(i, query)], counts=c
        )

    async def state(self, db: AsyncSession, group_id: int) -> schemas.IssueTable:
        """Every item, merged ones too (the live state)."""
        every = await records.items(db, group_id)
        return schemas.IssueTable(
            group_id=group_id, items=every, counts=await records.counts(db, group_id)
        )

    async def item(self, actor: Principal, group_id: int, number: int) -> schemas.IssueItem:
        require(actor, Action.READ_RESPONSES, group_id)
        async with self._sessions() as db:
            found = await records.items(db, group_id, [number])
        if not found:
            raise NotFound(f"no issue item {number} in this group")
        return found[0]

    async def document_citations(
        self, actor: Principal, document: str
    ) -> schemas.DocumentCitations:
        async with self._sessions() as db:
            ref = await readable_document(db, actor, document)
            if ref.group_id is None:
                raise NotFound(f"document {document!r} belongs to no working group")
            require(actor, Action.READ_RESPONSES, ref.group_id)
            rows = (
                await db.execute(
                    select(
                        IssueItemCitation.paragraph_id, IssueItemCitation.label, IssueItem.number
                    )
                    .join(IssueItem, IssueItem.id == IssueItemCitation.item_id)
                    .where(IssueItemCitation.document_id == ref.id)
                    .order_by(IssueItemCitation.paragraph_id, IssueItem.number)
                )
            ).all()
        paragraphs: dict[str, schemas.ParagraphCitations] = {}
        for pid, label, number in rows:
            got = paragraphs.setdefault(
                pid, schemas.ParagraphCitations(paragraph_id=pid, label=label, items=[])
            )
            got.items.append(number)
        return schemas.DocumentCitations(
            document=document, group_id=ref.group_id, paragraphs=list(paragraphs.values())
        )

    async def export(
        self, actor: Principal, group_id: int, fmt: str, include_merged: bool = False
    ) -> tuple[str | bytes, str]:
        """(the file's text, or bytes for .docx; its media type)."""
        table = await self.table(actor, group_id, schemas.IssueQuery(include_merged=include_merged))
        title = "Issue table"
        if fmt == "csv":
            return records.to_csv(table.items), "text/csv"
        if fmt == "html":
            return records.to_html(title, table.items, table.counts), "text/html"
        if fmt == "docx":
            return records.to_docx(title, table.items, table.counts), DOCX
        return records.to_markdown(title, table.items, table.counts), "text/markdown"

    # -- writing ---------------------------------------------------------------------

    async def create(
        self, actor: Principal, group_id: int, body: schemas.IssueCreate
    ) -> schemas.IssueItem:
        return (await self.create_many(actor, group_id, [body]))[0]

    async def create_many(
        self, actor: Principal, group_id: int, bodies: Sequence[schemas.IssueCreate]
    ) -> list[schemas.IssueItem]:
        """New items, numbered after the group's last, in one transaction and one live
        event; every source quote must be found in its answer (422, nothing made)."""
        require(actor, Action.EDIT_ISSUE_TABLE, group_id)
        async with self._live.change(group_id) as events:
            async with self._sessions.begin() as db:
                await _group(db, group_id)
                # The event number first: its row lock serializes the group's writers
                # (other processes too), so two never take the same item numbers.
                seq = await next_seq(db, group_id)
                last = await db.scalar(
                    select(func.max(IssueItem.number)).where(IssueItem.group_id == group_id)
                )
                made: list[int] = []
                for offset, body in enumerate(bodies, start=1):
                    row = IssueItem(
                        group_id=group_id, number=(last or 0) + offset, issue=body.issue,
                        category=body.category, grouping=body.grouping,
                        activities=body.activities, status=body.status, revision=1,
                        created_by=actor.name, created_at=utcnow(),
                    )  # fmt: skip
                    db.add(row)
                    await db.flush()
                    if body.source is not None:
                        await self._add_source(db, actor, group_id, row, body.source)
                    made.append(row.number)
                    audit.record(
                        db, actor, "issue.create", f"issue:{group_id}/{row.number}",
                        group_id=group_id, source=body.source is not None,
                    )  # fmt: skip
                event, out = await self._event(db, group_id, "created", made, seq)
                events.append(event)
        return out

    async def patch(
        self, actor: Principal, group_id: int, number: int, body: schemas.IssuePatch
    ) -> schemas.IssueItem:
        require(actor, Action.EDIT_ISSUE_TABLE, group_id)
        values: dict[str, Any] = body.model_dump(
            exclude_none=True, exclude={"revision", "clear_grouping"}
        )
        if body.clear_grouping:
            values["grouping"] = None
        if not values:
            raise ValidationFailed({"body": "nothing to change: name a field besides revision"})
        async with self._live.change(group_id) as events:
            async with self._sessions.begin() as db:
                row = await _item(db, group_id, number)
                done: Any = await db.execute(
                    update(IssueItem)
                    .where(IssueItem.id == row.id, IssueItem.revision == body.revision)
                    .values(**values, revision=IssueItem.revision + 1)
                    .execution_options(synchronize_session=False)
                )
                if done.rowcount == 1:
                    audit.record(
                        db, actor, "issue.edit", f"issue:{group_id}/{number}",
                        group_id=group_id, fields=sorted(values),
                    )  # fmt: skip
                    event, out = await self._event(db, group_id, "updated", [number])
                    events.append(event)
                    return out[0]
            raise await self._stale(group_id, number, body.revision)

    async def add_source(
        self, actor: Principal, group_id: int, number: int, body: schemas.SourceAdd
    ) -> schemas.IssueItem:
        require(actor, Action.EDIT_ISSUE_TABLE, group_id)
        async with self._live.change(group_id) as events:
            async with self._sessions.begin() as db:
                row = await _item(db, group_id, number)
                _remaining(row, number)
                await self._add_source(db, actor, group_id, row, body.source)
                row.revision += 1
                audit.record(
                    db, actor, "issue.source", f"issue:{group_id}/{number}", group_id=group_id,
                    response=body.source.response_id, question=body.source.question,
                )  # fmt: skip
                event, out = await self._event(db, group_id, "source-added", [number])
                events.append(event)
        return out[0]

    async def merge(
        self, actor: Principal, group_id: int, body: schemas.IssueMerge
    ) -> schemas.IssueItem:
        """Merge ``items`` into ``into``: each keeps its row and sources and points at
        ``into``, which then reaches them all (and theirs: merges of merges)."""
        require(actor, Action.EDIT_ISSUE_TABLE, group_id)
        numbers = list(dict.fromkeys(body.items))
        if body.into in numbers:
            raise InvalidTransition(f"item {body.into} cannot be merged into itself")
        async with self._live.change(group_id) as events:
            async with self._sessions.begin() as db:
                target = await _item(db, group_id, body.into)
                if target.merged_into_id is not None:
                    raise InvalidTransition(
                        f"item {body.into} was merged already: merge into the item it was "
                        "merged into"
                    )
                rows = list(
                    await db.scalars(
                        select(IssueItem).where(
                            IssueItem.group_id == group_id, IssueItem.number.in_(numbers)
                        )
                    )
                )
                missing = set(numbers) - {r.number for r in rows}
                if missing:
                    raise NotFound(f"no issue item {min(missing)} in this group")
                for r in rows:
                    _remaining(r, r.number)
                    r.merged_into_id = target.id
                    r.revision += 1
                target.revision += 1
                audit.record(
                    db, actor, "issue.merge", f"issue:{group_id}/{body.into}",
                    group_id=group_id, items=numbers,
                )  # fmt: skip
                event, out = await self._event(db, group_id, "merged", [body.into, *numbers])
                events.append(event)
        return out[0]

    async def cite(
        self, actor: Principal, group_id: int, number: int, body: schemas.CitationIn, *, on: bool
    ) -> schemas.IssueItem:
        """A paragraph of the group's document cites the item (``on``) or no longer does."""
        require(actor, Action.EDIT_ISSUE_TABLE, group_id)
        pid, label = body.paragraph_id, ""
        if on and self._paragraphs is not None:
            pid, label = await self._paragraphs(body.document, body.paragraph_id)
        async with self._live.change(group_id) as events:
            async with self._sessions.begin() as db:
                row = await _item(db, group_id, number)
                document_id = await db.scalar(
                    select(Document.id)
                    .join(GroupDocument, GroupDocument.document_id == Document.id)
                    .where(Document.name == body.document, GroupDocument.group_id == group_id)
                )
                if document_id is None:
                    raise NotFound(f"no document {body.document!r} in this group")
                existing = await db.scalar(
                    select(IssueItemCitation).where(
                        IssueItemCitation.item_id == row.id,
                        IssueItemCitation.document_id == document_id,
                        IssueItemCitation.paragraph_id == pid,
                    )
                )
                if on and existing is None:
                    _remaining(row, number)
                    db.add(IssueItemCitation(
                        item_id=row.id, document_id=document_id, paragraph_id=pid,
                        label=label, by=actor.name, at=utcnow(),
                    ))  # fmt: skip
                elif not on and existing is not None:
                    await db.delete(existing)
                else:  # already so: nothing changes, nothing is announced
                    return (await records.items(db, group_id, [number]))[0]
                row.revision += 1
                audit.record(
                    db, actor, "issue.cite" if on else "issue.uncite",
                    f"issue:{group_id}/{number}", group_id=group_id,
                    document=body.document, paragraph=pid,
                )  # fmt: skip
                event, out = await self._event(db, group_id, "cited" if on else "uncited", [number])
                events.append(event)
        return out[0]

    # -- helpers -----------------------------------------------------------------------

    async def _add_source(
        self,
        db: AsyncSession,
        actor: Principal,
        group_id: int,
        row: IssueItem,
        source: schemas.SourceIn,
    ) -> None:
        answer = await self._answers(db, group_id, source.response_id, source.question)
        if answer is None:
            raise ValidationFailed(
                {"source.response_id": "no submitted answer to this question in this group"}
            )
        where = locate(answer, source)
        if where is None:
            raise ValidationFailed({"source.exact": "this passage is not in that answer"})
        db.add(IssueItemSource(
            item_id=row.id, response_id=source.response_id, question=source.question,
            exact=source.exact, prefix=source.prefix, suffix=source.suffix,
            start=where[0], end=where[1], created_by=actor.name, created_at=utcnow(),
        ))  # fmt: skip
        await db.flush()

    async def _event(
        self, db: AsyncSession, group_id: int, action: str, numbers: list[int], seq: int = 0
    ) -> tuple[GroupEvent, list[schemas.IssueItem]]:
        """The change's live event (numbered in this transaction) and its items, in
        the order of ``numbers``."""
        await db.flush()
        found = {i.number: i for i in await records.items(db, group_id, numbers)}
        out = [found[n] for n in numbers]
        data = {
            "seq": seq or await next_seq(db, group_id),
            "group_id": group_id,
            "action": action,
            "items": [i.model_dump(mode="json") for i in out],
            "counts": (await records.counts(db, group_id)).model_dump(mode="json"),
        }
        return GroupEvent("issue-item", data), out

    async def _stale(self, group_id: int, number: int, revision: int) -> StaleRevision:
        async with self._sessions() as db:
            current = (await records.items(db, group_id, [number]))[0]
        return StaleRevision(
            f"item {number} changed since revision {revision} (now {current.revision}); "
            "nothing was changed",
            current=current.model_dump(mode="json"),
        )


async def _group(db: AsyncSession, group_id: int) -> WorkingGroup:
    group = await db.get(WorkingGroup, group_id)
    if group is None:
        raise NotFound(f"no working group {group_id}")
    return group


async def _item(db: AsyncSession, group_id: int, number: int) -> IssueItem:
    row = await db.scalar(
        select(IssueItem).where(IssueItem.group_id == group_id, IssueItem.number == number)
    )
    if row is None:
        raise NotFound(f"no issue item {number} in this group")
    return row


def _remaining(row: IssueItem, number: int) -> None:
    if row.merged_into_id is not None:
        raise InvalidTransition(f"item {number} was merged into another item: work on that one")
