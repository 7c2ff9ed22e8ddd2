"""Revisions: issue numbered versions, read them back, compare two, restore a paragraph.

A version is the document's full Yjs state at one moment (``DocumentVersion.state``):
it holds the governed index, meta and opinions as well as the text, so it reads
back exactly whatever happens later to the live document or to its update log.
Versions are numbered 1, 2, 3... per document in the order they are made, by the
secretariat or the chair ("issued") or when a session ends ("session_end"; the
session service freezes them through ``freeze``, the one code path).

Each new version is announced live (``version-issued`` on the document's namespace,
``server.revisions.live``) once its transaction has committed, and keeps the group's
context of that moment (meetings, sessions, participation: ``FrozenContext``, which
the app injects from the outputs domain) so the version's report never changes.

Whoever may read a document reads its versions and diffs (``readable_document``:
a private breakout draft's versions follow the draft's read rule); issuing and
restoring are officers' (``ISSUE_VERSIONS``, ``RESTORE_FROM_VERSION``). Restoring
goes through the paragraphs' governance path: the document's lock, one server
edit every replica gets, made with a Yjs client id of the actor's (so the restored
words are theirs), a paragraph decision and an audit entry.
"""

from __future__ import annotations

import asyncio
import difflib
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any

import pycrdt
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crdt import schema, updates
from server import audit
from server.amendments import edits
from server.auth.access import readable_document
from server.auth.permissions import Action, require
from server.auth.principal import Principal
from server.errors import Conflict, NotFound, Unavailable
from server.paragraphs.base import GovernanceBase, Outcome
from server.revisions import compare, reading, schemas
from server.revisions.live import VersionPublisher
from server.rooms.manager import RoomManager
from server.sessions.models import DocumentVersion
from server.storage import Author
from server.storage.models import utcnow
from server.validation import ValidationFailed

Affiliation = Callable[[int], Awaitable[str | None]]
# (the caller's transaction, document, the version's moment) -> the group's context
# then, as JSON, to keep with the version (None: nothing to keep).
FrozenContext = Callable[[AsyncSession, str, datetime], Awaitable[dict[str, Any] | None]]
_NUMBER_TRIES = 5


class RevisionService:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        rooms: RoomManager,
        logger: logging.Logger,
        governance: GovernanceBase | None = None,
        affiliation: Affiliation | None = None,
        publisher: VersionPublisher | None = None,
        context: FrozenContext | None = None,
    ) -> None:
        self._sessions = sessions
        self._rooms = rooms
        self._log = logger
        self._governance = governance
        self._affiliation = affiliation
        self._publisher = publisher
        self._context = context
        self._locks: dict[str, asyncio.Lock] = {}
        # Versions' decoded records and runs, for diffs (versions never change).
        self._decoded = compare.Sides()

    # -- the state of a version (or now): what exports and diffs start from --------------

    async def state(
        self, actor: Principal, document: str, number: int | None
    ) -> schemas.VersionState:
        """Version ``number`` of the document (None: the document now), if ``actor``
        may read the document; ``NotFound`` for an unknown number."""
        async with self._sessions() as db:
            await readable_document(db, actor, document)
            if number is not None:
                row = await self._version(db, document, number)
                return schemas.VersionState(
                    row.number, row.label, row.created_at, row.state, row.context
                )
        return schemas.VersionState(None, "now", utcnow(), await self._live_state(document))

    async def _live_state(self, document: str) -> bytes:
        doc = await self._rooms.document(document)
        return updates.EMPTY_UPDATE if doc is None else doc.get_update()

    @staticmethod
    async def _version(db: AsyncSession, document: str, number: int) -> DocumentVersion:
        row = await db.scalar(
            select(DocumentVersion).where(
                DocumentVersion.document == document, DocumentVersion.number == number
            )
        )
        if row is None:
            raise NotFound(f"no version {number} of {document!r}", number=number)
        return row

    # -- issuing -----------------------------------------------------------------------

    def _lock(self, document: str) -> asyncio.Lock:
        return self._locks.setdefault(document, asyncio.Lock())

    async def freeze(
        self,
        db: AsyncSession,
        document: str,
        *,
        label: str,
        kind: str,
        created_by: str,
        session_id: int | None = None,
    ) -> DocumentVersion:
        """Add the next version of ``document`` (its state now, and the group's context
        now) in the caller's transaction. The number is the document's next; a
        concurrent writer taking it first (another process) makes this one take the
        following number. Once the caller has committed, it calls ``announce``."""
        async with self._lock(document):
            doc = await self._rooms.document(document)
            state = updates.EMPTY_UPDATE if doc is None else doc.get_update()
            paragraphs = 0 if doc is None else _live_paragraphs(doc)
            at = utcnow()
            context = None if self._context is None else await self._context(db, document, at)
            for _ in range(_NUMBER_TRIES):
                latest = await db.scalar(
                    select(func.max(DocumentVersion.number)).where(
                        DocumentVersion.document == document
                    )
                )
                row = DocumentVersion(
                    document=document,
                    number=(latest or 0) + 1,
                    kind=kind,
                    label=label,
                    session_id=session_id,
                    state=state,
                    paragraphs=paragraphs,
                    created_by=created_by,
                    created_at=at,
                    context=context,
                )
                try:
                    async with db.begin_nested():
                        db.add(row)
                        await db.flush()
                    return row
                except IntegrityError:
                    self._log.info("version number of %s taken meanwhile; retrying", document)
            raise Conflict("could not number the version; try again")

    async def issue(
        self, actor: Principal, document: str, body: schemas.VersionCreate
    ) -> schemas.VersionSummary:
        """Issue the next version of the document as it is now ("Rev.2"), audited."""
        async with self._sessions.begin() as db:
            d = await readable_document(db, actor, document)
            require(actor, Action.ISSUE_VERSIONS, d.group_id)
            row = await self.freeze(
                db, document, label=body.label, kind="issued", created_by=actor.actor
            )
            audit.record(
                db, actor, "version.issue", f"document:{document}", group_id=d.group_id,
                number=row.number, label=row.label, bytes=len(row.state),
            )  # fmt: skip
            issued = reading.summary(row)
        await self.announce(document, issued)
        return issued

    async def announce(self, document: str, version: schemas.VersionSummary) -> None:
        """Tell the document's connections about a new version (``version-issued``);
        call it once the version's transaction has committed."""
        if self._publisher is not None:
            await self._publisher.publish(document, version)

    # -- reading -------------------------------------------------------------------------

    async def list_versions(self, actor: Principal, document: str) -> schemas.VersionList:
        async with self._sessions() as db:
            await readable_document(db, actor, document)
            rows = await db.scalars(
                select(DocumentVersion)
                .where(DocumentVersion.document == document)
                .order_by(DocumentVersion.number)
            )
            return schemas.VersionList(versions=[reading.summary(r) for r in rows])

    async def show(self, actor: Principal, document: str, number: int) -> schemas.VersionDetail:
        """Version ``number`` in full: every paragraph's record and text, the opinions."""
        async with self._sessions() as db:
            await readable_document(db, actor, document)
            row = await self._version(db, document, number)
        return await asyncio.to_thread(reading.detail, row)

    # -- comparing -------------------------------------------------------------------------

    async def diff(
        self, actor: Principal, document: str, query: schemas.DiffQuery
    ) -> schemas.DocumentDiff:
        """What changed from version ``from`` to version ``to`` (or now), with who did it."""
        async with self._sessions() as db:
            d = await readable_document(db, actor, document)
            older, newer = await self._sides(db, document, query)
        if newer.number is None:
            newer = schemas.VersionState(None, "now", utcnow(), await self._live_state(document))
        # Who typed and who deleted are recorded with each update's durable write: wait
        # for the writes of everything in these states, so none is left unattributed.
        room = self._rooms.loaded(document)
        if room is not None:
            await room.flush()
        return await compare.document_diff(
            self._sessions, d, older, newer, changed_only=query.changed_only, sides=self._decoded
        )

    async def _sides(
        self, db: AsyncSession, document: str, query: schemas.DiffQuery
    ) -> tuple[schemas.VersionState, schemas.VersionState]:
        """The two sides a query names (``to`` omitted: now, its state read later;
        ``from`` omitted: the version before ``to``)."""
        to = query.to
        if query.from_ is not None and to is not None and query.from_ > to:
            raise ValidationFailed({"from": f"must not be after to ({to}): from is the older"})
        newer = schemas.VersionState(None, "now", utcnow(), b"")
        if to is not None:
            row = await self._version(db, document, to)
            newer = schemas.VersionState(row.number, row.label, row.created_at, row.state)
        number = query.from_
        if number is None:
            before = select(func.max(DocumentVersion.number)).where(
                DocumentVersion.document == document
            )
            if to is not None:
                before = before.where(DocumentVersion.number < to)
            number = await db.scalar(before)
            if number is None:
                where = f"before version {to}" if to is not None else "yet"
                raise NotFound(f"no version of {document!r} {where} to compare with")
        row = await self._version(db, document, number)
        older = schemas.VersionState(row.number, row.label, row.created_at, row.state)
        return older, newer

    # -- restoring -------------------------------------------------------------------------

    async def restore(
        self, actor: Principal, document: str, number: int, body: schemas.ParagraphRestore
    ) -> schemas.RestoreResult:
        """Make the live paragraph's text what it was in version ``number`` with a
        minimal edit (unchanged characters keep their authors; the new ones are the
        actor's), un-deleting it if it is deleted now. A paragraph decision
        ("restore_text") and an audit entry record it; everyone sees it live."""
        if self._governance is None:
            raise Unavailable("restoring is not available here")
        pid = body.paragraph_id
        async with self._sessions() as db:
            d = await readable_document(db, actor, document)
            require(actor, Action.RESTORE_FROM_VERSION, d.group_id)
            row = await self._version(db, document, number)
        old = await asyncio.to_thread(reading.paragraph_in, row.state, pid)
        if old is None:
            raise NotFound(f"no paragraph {pid!r} in version {number}", paragraph=pid)
        wanted = old[1]

        def change(doc: pycrdt.Doc[Any]) -> Outcome:
            para = schema.get_paragraph(doc, pid)
            text = str(schema.text_root(doc, pid))
            if text != wanted:
                edits.edit_as(
                    doc, edits.fresh_client(doc), lambda side: _rewrite(side, pid, wanted)
                )
            before = {"text": text, "status": para.status}
            if para.deleted:
                status = para.previous_status or schema.Status.DRAFT.value
                para = schema.update_paragraph(doc, pid, status=status, previous_status="")
            after = {"text": wanted, "status": para.status, "version": number}
            return GovernanceBase.paragraph_outcome(doc, para, "restore_text", before, after)

        author = Author(actor.person_id, actor.name, await self._delegation(actor))
        outcome, _ = await self._governance.govern(
            actor, document, Action.RESTORE_FROM_VERSION, change, author=author
        )
        return schemas.RestoreResult(paragraph_id=pid, version=number, status=outcome.result.status)

    async def _delegation(self, actor: Principal) -> str | None:
        if actor.person_id is None or self._affiliation is None:
            return None
        try:
            return await self._affiliation(actor.person_id)
        except Exception as exc:  # the edit is still the person's
            self._log.warning("delegation of person %s not found: %s", actor.person_id, exc)
            return None


# -- helpers (pure) ------------------------------------------------------------------------


def _live_paragraphs(doc: pycrdt.Doc[Any]) -> int:
    """Paragraphs of the document not deleted (read from its index, no decoding)."""
    deleted = schema.Status.DELETED.value
    return sum(
        1
        for data in schema.index(doc).values()
        if isinstance(data, Mapping) and data.get("status") != deleted
    )


def _rewrite(doc: pycrdt.Doc[Any], paragraph_id: str, wanted: str) -> None:
    """Make the paragraph's text ``wanted`` with a minimal edit: only the characters
    that differ are deleted or inserted (the others keep their Yjs items, hence
    their authors). Offsets are converted to pycrdt's UTF-8 byte indexes."""
    text = schema.text_root(doc, paragraph_id)
    current = str(text)
    matcher = difflib.SequenceMatcher(None, current, wanted, autojunk=False)
    for tag, i1, i2, j1, j2 in reversed(matcher.get_opcodes()):
        if tag == "equal":
            continue
        start = len(current[:i1].encode())
        if i2 > i1:
            del text[start : start + len(current[i1:i2].encode())]
        if j2 > j1:
            text.insert(start, wanted[j1:j2])
