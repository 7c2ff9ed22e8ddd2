"""What every governance command shares: the document and its group, the paragraph a
caller names, the session a decision cites, and the one path every change takes.

A change is made under the document's lock (commands on one document are applied
one at a time, so a check and the write it guards see the same state): the role is
checked, the change is written to the document by the server (``RoomManager.apply``:
every replica gets it, durable on return), then its decision row and audit entry
are committed together, then the live events are published, in that order.

Other domains that change paragraphs (amendments) use the same path through this
small public API: ``lock`` (the document's command lock), ``govern`` (check, write,
record, announce), ``paragraph_outcome`` (what a paragraph change did),
``check_session`` (a decision cites a session of the document's group) and
``require_open`` (no change to a locked or deleted paragraph's words).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pycrdt
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crdt import schema, updates
from server import audit
from server.auth.access import DocumentRef, readable_document
from server.auth.permissions import Action, require
from server.auth.principal import Principal
from server.errors import BadInput, InvalidTransition, NotFound, ParagraphLocked
from server.paragraphs import records, schemas
from server.paragraphs.live import GovernanceEvent, GovernancePublisher, decision_key
from server.paragraphs.models import ParagraphDecision
from server.rooms.manager import RoomManager
from server.sessions.models import Session
from server.storage import SERVER, Author
from server.storage.models import utcnow

Affiliation = Callable[[int], Awaitable[str | None]]


@dataclass
class Outcome:
    """What a change did: its decision's fields and what to announce."""

    paragraph: str  # "" for the document's own metadata
    action: str
    before: Any
    after: Any
    # The changed paragraph's record, the document's meta, or the opinion.
    state: schemas.ParagraphState | schemas.DocumentMeta | schemas.Opinion | None = None
    result: Any = None
    removed: bool = False
    audit: dict[str, Any] = field(default_factory=dict)


def require_open(
    para: schema.Paragraph, *, locked: str | None = None, deleted: str | None = None
) -> None:
    """Refuse a change to a locked paragraph's words (409 ``paragraph_locked``) or to a
    deleted paragraph (409 ``invalid_transition``); ``locked``/``deleted``: the
    messages, by default "<label> is <status>: reopen it first", "<label> is deleted"."""
    if para.locked:
        message = locked or f"{para.label} is {para.status}: reopen it first"
        raise ParagraphLocked(message, paragraph=para.id)
    if para.deleted:
        raise InvalidTransition(deleted or f"{para.label} is deleted", paragraph=para.id)


# (the decision row just flushed, the session) -> extra writes in its transaction.
Extra = Callable[[AsyncSession, ParagraphDecision], Awaitable[None]]


class GovernanceBase:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        rooms: RoomManager,
        hub: GovernancePublisher,
        logger: logging.Logger,
        affiliation: Affiliation | None = None,
    ) -> None:
        self._sessions = sessions
        self._rooms = rooms
        self.hub = hub
        self._log = logger
        self._affiliation = affiliation
        self._locks: dict[str, asyncio.Lock] = {}

    # -- reading -----------------------------------------------------------------------

    async def _document(self, db: AsyncSession, actor: Principal, name: str) -> DocumentRef:
        """The document if ``actor`` may read it (``access.readable_document``)."""
        return await readable_document(db, actor, name)

    async def _ydoc(self, name: str) -> pycrdt.Doc[Any]:
        doc = await self._rooms.document(name)
        return doc if doc is not None else updates.new_doc()

    @staticmethod
    def resolve(doc: pycrdt.Doc[Any], ref: str) -> schema.Paragraph:
        """The paragraph ``ref`` names: its id, else its label (a live one first)."""
        if schema.has_paragraph(doc, ref):
            return schema.get_paragraph(doc, ref)
        named = [p for p in schema.paragraph_records(doc) if p.label == ref]
        named.sort(key=lambda p: p.deleted)
        if not named:
            raise NotFound(f"no paragraph {ref!r} in this document", paragraph=ref)
        if len(named) > 1 and named[0].deleted == named[1].deleted:
            raise BadInput(f"several paragraphs are labelled {ref!r}; name one by id")
        return named[0]

    async def check_session(self, db: AsyncSession, d: DocumentRef, session_id: int) -> None:
        """Refuse (404) a session that is not one of the document's working group: a
        decision cites the session it was taken in."""
        session = await db.get(Session, session_id)
        if session is None or d.group_id is None or session.group_id != d.group_id:
            raise NotFound(f"no session {session_id} in this working group", session=session_id)

    async def _delegation(self, actor: Principal) -> str | None:
        if actor.person_id is None or self._affiliation is None:
            return None
        try:
            return await self._affiliation(actor.person_id)
        except Exception as exc:  # the decision still names the person
            self._log.warning("delegation of person %s not found: %s", actor.person_id, exc)
            return None

    # -- changing ------------------------------------------------------------------------

    def lock(self, name: str) -> asyncio.Lock:
        """The document's command lock: a command holding it checks and writes against
        a state no other command changes meanwhile (``govern`` takes it; a command that
        only checks the text and records a row, e.g. proposing an amendment, takes it
        too so it cannot slip between another's check and write)."""
        return self._locks.setdefault(name, asyncio.Lock())

    async def govern(
        self,
        actor: Principal,
        name: str,
        permission: Action | None,
        change: Callable[[pycrdt.Doc[Any]], Outcome],
        *,
        session: int | None = None,
        proposal: int | None = None,
        check: Callable[[AsyncSession, DocumentRef], Awaitable[None]] | None = None,
        extra: Extra | None = None,
        more: Callable[[], list[GovernanceEvent]] | None = None,
        author: Author = SERVER,
        first: Callable[[], Awaitable[object]] | None = None,
    ) -> tuple[Outcome, schemas.ParagraphDecision]:
        """Check, write, record, announce (see the module docstring). ``permission``
        None: ``check`` decides who may. ``author``: whom the write's new Yjs client
        ids are attributed to (default: the server's own edit). ``first``: the caller's
        own announcement, made once the decision is committed and before this one (an
        accepted amendment's news is what its followers wait for: one fan-out sooner)."""
        async with self.lock(name):
            async with self._sessions() as db:
                d = await self._document(db, actor, name)
                if permission is not None:
                    require(actor, permission, d.group_id)
                if session is not None:
                    await self.check_session(db, d, session)
                if check is not None:
                    await check(db, d)
            done: list[Outcome] = []

            def write(doc: pycrdt.Doc[Any]) -> None:
                try:
                    done.append(change(doc))
                except schema.SchemaError as exc:
                    raise BadInput(str(exc)) from exc

            await self._rooms.apply(name, write, author)
            outcome = done[0]
            delegation = await self._delegation(actor)
            async with self._sessions.begin() as db:
                row = ParagraphDecision(
                    document_id=d.id,
                    paragraph_id=outcome.paragraph,
                    action=outcome.action,
                    before=outcome.before,
                    after=outcome.after,
                    person_id=actor.person_id,
                    name=actor.name,
                    delegation=delegation,
                    session_id=session,
                    proposal_id=proposal,
                    at=utcnow(),
                )
                db.add(row)
                await db.flush()
                if extra is not None:
                    await extra(db, row)
                audit.record(
                    db, actor, f"paragraph.{outcome.action}", f"document:{name}",
                    group_id=d.group_id, paragraph=outcome.paragraph, before=outcome.before,
                    after=outcome.after, session_id=session, proposal=proposal, **outcome.audit,
                )  # fmt: skip
            decision = records.decision(row)
            if first is not None:
                await first()
            events = [self._event(name, outcome, decision)]
            await self.hub.publish(name, events + (more() if more is not None else []))
        return outcome, decision

    @staticmethod
    def _event(name: str, outcome: Outcome, decision: schemas.ParagraphDecision) -> GovernanceEvent:
        made = decision.model_dump(mode="json")
        state = None if outcome.state is None else outcome.state.model_dump(mode="json")
        key = decision_key(decision.id)
        data: dict[str, Any]
        if outcome.action == "document":
            data = {"document": name, "meta": state, "decision": made}
            return GovernanceEvent("document-changed", data, key)
        if outcome.action == "opinion":
            data = {"document": name, "opinion": state, "removed": outcome.removed}
            return GovernanceEvent("opinion-changed", {**data, "decision": made}, key)
        data = {"document": name, "paragraph": state, "decision": made}
        return GovernanceEvent("paragraph-changed", data, key)

    @staticmethod
    def paragraph_outcome(
        doc: pycrdt.Doc[Any],
        para: schema.Paragraph,
        action: str,
        before: Any,
        after: Any,
    ) -> Outcome:
        """The outcome of a change to ``para`` (now written by ``change``): the
        decision's action and before/after, the paragraph's record to announce, and
        the paragraph as the command returns it."""
        return Outcome(
            para.id,
            action,
            before,
            after,
            state=records.paragraph_state(doc, para),
            result=records.paragraph(doc, para),
        )
