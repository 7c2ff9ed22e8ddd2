"""The diff of two sides of a document as the API shows it: ``diff.compare`` (pure,
run off the event loop), then who did it from the database: inserted characters'
authors from the client-id owner map (``document_clients``), deleted ones' from the
deletion records (``document_deletions``), and the paragraph decisions taken
between the two sides' times."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from server.auth.access import DocumentRef
from server.paragraphs.models import ParagraphDecision
from server.revisions import diff, schemas
from server.storage.deletions import deleters as recorded_deleters
from server.storage.models import DocumentClient
from server.storage.sql import chunks

Author = schemas.DiffAuthor


async def document_diff(
    sessions: async_sessionmaker[AsyncSession],
    d: DocumentRef,
    older: schemas.VersionState,
    newer: schemas.VersionState,
    *,
    changed_only: bool = False,
) -> schemas.DocumentDiff:
    raw = await asyncio.to_thread(diff.compare, older.state, newer.state)
    async with sessions() as db:
        owners = await _owners(db, d.id, raw.inserted_clients())
        by_client = await _deleters(db, d.id, raw.deleted_ranges())
        decisions = await _decisions(db, d.id, older, newer)
    paragraphs = []
    totals = {"inserted": 0, "deleted": 0, "added": 0, "removed": 0, "restored": 0}
    totals |= {"moved": 0, "status_changed": 0, "changed": 0}
    for para in raw.paragraphs:
        made = decisions.get(para.id, [])
        if changed_only and not para.changes:
            continue
        segments = diff.attribute(para.pieces, owners.get, by_client)
        for seg in segments:
            if seg.op == "insert":
                totals["inserted"] += len(seg.text)
            elif seg.op == "delete":
                totals["deleted"] += len(seg.text)
        for change, key in (
            ("added", "added"),
            ("deleted", "removed"),
            ("restored", "restored"),
            ("moved", "moved"),
            ("status", "status_changed"),
        ):
            totals[key] += change in para.changes
        totals["changed"] += bool(para.changes)
        paragraphs.append(_paragraph(para, segments, made))
    return schemas.DocumentDiff.model_validate(
        {
            "document": d.name,
            "from": _side(older),
            "to": _side(newer),
            "summary": schemas.DiffSummary(**totals),
            "paragraphs": paragraphs,
        }
    )


def _side(side: schemas.VersionState) -> schemas.DiffSide:
    return schemas.DiffSide(number=side.number, label=side.label, created_at=side.created_at)


def _paragraph(
    para: diff.RawParagraph, segments: list[diff.Segment], made: list[schemas.DiffDecision]
) -> schemas.ParagraphDiff:
    now = para.after or para.before
    assert now is not None
    before = para.before
    return schemas.ParagraphDiff(
        id=para.id,
        label=now.label,
        label_before=None if before is None else before.label,
        section=now.section,
        position_before=para.position_before,
        position_after=para.position_after,
        changes=para.changes,  # type: ignore[arg-type]
        status_before=None if before is None else before.status,
        status_after=None if para.after is None else para.after.status,
        segments=[
            schemas.DiffSegment(op=s.op, text=s.text, author=s.author)  # type: ignore[arg-type]
            for s in segments
        ],
        decisions=made,
    )


async def _owners(db: AsyncSession, document_id: int, clients: Iterable[int]) -> dict[int, Author]:
    """Who wrote with each client id (first owner), as diff authors."""
    found: dict[int, Author] = {}
    for chunk in chunks(sorted(clients)):
        rows = await db.execute(
            select(
                DocumentClient.client_id,
                DocumentClient.person_id,
                DocumentClient.name,
                DocumentClient.delegation,
            )
            .where(DocumentClient.document_id == document_id)
            .where(DocumentClient.client_id.in_(chunk))
        )
        for client, person_id, name, delegation in rows:
            found[int(client)] = Author(person_id=person_id, name=name, delegation=delegation)
    return found


async def _deleters(
    db: AsyncSession, document_id: int, ranges: list[diff.Range]
) -> dict[int, list[diff.Deleter]]:
    """Who deleted which sub-ranges of ``ranges``, per client, sorted by clock."""
    if not ranges:
        return {}
    out: dict[int, list[diff.Deleter]] = {}
    for client, clock, length, who in await recorded_deleters(db, document_id, ranges):
        author = (
            None
            if who is None
            else Author(person_id=who.person_id, name=who.name, delegation=who.delegation)
        )
        out.setdefault(client, []).append((client, clock, length, author))
    for found in out.values():
        found.sort(key=lambda r: r[1])
    return out


async def _decisions(
    db: AsyncSession, document_id: int, older: schemas.VersionState, newer: schemas.VersionState
) -> dict[str, list[schemas.DiffDecision]]:
    """Paragraph decisions taken after the older side and up to the newer one."""
    query: Any = (
        select(ParagraphDecision)
        .where(ParagraphDecision.document_id == document_id)
        .where(ParagraphDecision.at > older.created_at)
        .order_by(ParagraphDecision.id)
    )
    if newer.number is not None:
        query = query.where(ParagraphDecision.at <= newer.created_at)
    out: dict[str, list[schemas.DiffDecision]] = {}
    for row in await db.scalars(query):
        out.setdefault(row.paragraph_id, []).append(
            schemas.DiffDecision(
                action=row.action,
                before=row.before,
                after=row.after,
                by=row.name,
                delegation=row.delegation,
                at=row.at,
                session=row.session_id,
            )
        )
    return out
