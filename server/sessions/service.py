"""Meetings, sessions and their lifecycle, stream links, and frozen draft versions.

A session moves ``scheduled -> live -> ended``; each transition is recorded (who,
when) and announced live. Ending a session freezes a named version of its draft.
A breakout's draft is private to the group's members unless the session was
created with ``public_draft``; whoever may not read the draft may not follow the
session either (its follow view carries the draft).
"""

from __future__ import annotations

import logging
import secrets

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from server import audit
from server.auth.permissions import Action, require
from server.auth.principal import Principal
from server.errors import Conflict, InvalidTransition, NotFound
from server.groups.models import Delegation, GroupDocument, WorkingGroup
from server.revisions.reading import summary as version_summary
from server.revisions.service import RevisionService
from server.rooms.manager import RoomManager
from server.sessions import schemas
from server.sessions.live import SessionPublisher
from server.sessions.models import (
    DocumentVersion,
    Meeting,
    Session,
    SessionTransition,
    StreamLink,
)
from server.storage.models import Document, utcnow
from server.validation import ValidationFailed

NEXT_STATUS = {"scheduled": "live", "live": "ended"}


class SessionService:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        rooms: RoomManager,
        hub: SessionPublisher,
        logger: logging.Logger,
        revisions: RevisionService | None = None,
    ) -> None:
        self._sessions = sessions
        self._rooms = rooms
        self.hub = hub
        self._log = logger
        # Ending a session freezes a numbered version through the revisions service.
        self._revisions = revisions or RevisionService(sessions, rooms=rooms, logger=logger)

    # -- meetings ----------------------------------------------------------------

    async def create_meeting(
        self, actor: Principal, group_id: int, new: schemas.MeetingCreate
    ) -> schemas.Meeting:
        require(actor, Action.MANAGE_SESSIONS, group_id)
        number = new.number
        taken = ValidationFailed({"number": f"meeting {number} already exists"})
        try:
            async with self._sessions.begin() as db:
                if await db.get(WorkingGroup, group_id) is None:
                    raise NotFound(f"no working group {group_id}")
                if await db.scalar(
                    select(Meeting.id).where(Meeting.group_id == group_id, Meeting.number == number)
                ):
                    raise taken
                meeting = Meeting(
                    group_id=group_id,
                    number=number,
                    title=new.title,
                    venue=new.venue or "",
                    starts_on=new.starts_on,
                    ends_on=new.ends_on,
                )
                db.add(meeting)
                await db.flush()
                audit.record(
                    db,
                    actor,
                    "meeting.create",
                    f"meeting:{meeting.id}",
                    group_id=group_id,
                    number=number,
                )
                return schemas.Meeting.model_validate(meeting)
        except IntegrityError as exc:  # a concurrent request took the number first
            raise taken from exc

    async def list_meetings(self, actor: Principal, group_id: int) -> list[schemas.Meeting]:
        require(actor, Action.VIEW_GROUP, group_id)
        async with self._sessions() as db:
            rows = await db.scalars(
                select(Meeting).where(Meeting.group_id == group_id).order_by(Meeting.number)
            )
            return [schemas.Meeting.model_validate(m) for m in rows]

    # -- sessions ----------------------------------------------------------------

    async def create_session(
        self, actor: Principal, meeting_id: int, new: schemas.MeetingSessionCreate
    ) -> schemas.MeetingSessionCreated:
        """A plenary works on an existing group document (the rolling text); any other
        kind gets a draft document of its own, private unless ``public_draft`` (the
        model has checked what needs no database: times, a plenary's document)."""
        kind, title, document = new.kind, new.title, new.document
        async with self._sessions.begin() as db:
            meeting = await db.get(Meeting, meeting_id)
            if meeting is None:
                raise NotFound(f"no meeting {meeting_id}")
            require(actor, Action.MANAGE_SESSIONS, meeting.group_id)
            problems: dict[str, str] = {}
            if new.lead_delegation_id is not None:
                lead = await db.get(Delegation, new.lead_delegation_id)
                if lead is None or lead.group_id != meeting.group_id:
                    problems["lead_delegation_id"] = "no such delegation in this group"
            if document is not None and kind == "plenary":
                if not await self._group_document(db, meeting.group_id, document):
                    problems["document"] = f"no document {document!r} in this group"
            if problems:
                raise ValidationFailed(problems)
            session = Session(
                meeting_id=meeting_id,
                group_id=meeting.group_id,
                kind=kind,
                title=title,
                lead_delegation_id=new.lead_delegation_id,
                scheduled_start=new.scheduled_start,
                scheduled_end=new.scheduled_end,
                status="scheduled",
                document=document or "",
            )
            db.add(session)
            await db.flush()
            if kind != "plenary":
                group = await db.get(WorkingGroup, meeting.group_id)
                assert group is not None
                draft = await self._new_draft(
                    db, f"{group.slug}-draft-m{meeting.number}-s{session.id}"
                )
                session.document = draft.name
                db.add(
                    GroupDocument(
                        document_id=draft.id,
                        group_id=meeting.group_id,
                        title=title,
                        kind="breakout" if kind == "breakout" else "correspondence",
                        public=new.public_draft,
                    )
                )
            audit.record(
                db,
                actor,
                "session.create",
                f"session:{session.id}",
                group_id=meeting.group_id,
                kind=kind,
                document=session.document,
                public_draft=new.public_draft,
            )
            return schemas.MeetingSessionCreated.model_validate(
                {**_session(session), "streams": [], "public_draft": new.public_draft}
            )

    async def _new_draft(self, db: AsyncSession, name: str) -> Document:
        """A new document for a session's draft, under ``name`` if it is free.

        Document names are global (they address ``/ws/<name>``) and any group's chair
        may pick one, so a taken name gets a random suffix instead of failing.
        """
        base = name
        for _ in range(5):
            if await db.scalar(select(Document.id).where(Document.name == name)) is None:
                try:
                    async with db.begin_nested():
                        draft = Document(name=name, created_at=utcnow())
                        db.add(draft)
                        await db.flush()
                    return draft
                except IntegrityError:  # taken between the check and the insert
                    pass
            name = f"{base}_{secrets.token_hex(4)}"
        raise Conflict("could not find a free name for the session's draft; try again")

    async def _group_document(self, db: AsyncSession, group_id: int, name: str) -> bool:
        found = await db.scalar(
            select(func.count())
            .select_from(GroupDocument)
            .join(Document, Document.id == GroupDocument.document_id)
            .where(Document.name == name, GroupDocument.group_id == group_id)
        )
        return bool(found)

    async def load(self, session_id: int) -> Session:
        async with self._sessions() as db:
            session = await db.get(Session, session_id)
        if session is None:
            raise NotFound(f"no session {session_id}")
        return session

    async def get(self, actor: Principal, session_id: int) -> schemas.MeetingSessionDetail:
        session = await self.load(session_id)
        require(actor, Action.READ_TEXT, session.group_id)
        return schemas.MeetingSessionDetail.model_validate(
            {**_session(session), "streams": await self.streams(session_id)}
        )

    async def meeting_group_id(self, meeting_id: int) -> int:
        async with self._sessions() as db:
            meeting = await db.get(Meeting, meeting_id)
        if meeting is None:
            raise NotFound(f"no meeting {meeting_id}")
        return meeting.group_id

    async def list_sessions(
        self, actor: Principal, meeting_id: int
    ) -> list[schemas.MeetingSession]:
        async with self._sessions() as db:
            meeting = await db.get(Meeting, meeting_id)
            if meeting is None:
                raise NotFound(f"no meeting {meeting_id}")
            require(actor, Action.VIEW_GROUP, meeting.group_id)
            rows = await db.scalars(
                select(Session)
                .where(Session.meeting_id == meeting_id)
                .order_by(Session.scheduled_start)
            )
            return [schemas.MeetingSession.model_validate(s) for s in rows]

    async def transition(
        self, actor: Principal, session_id: int, change: schemas.SessionStatusChange
    ) -> schemas.MeetingSession:
        to = change.status
        async with self._sessions.begin() as db:
            session = await db.get(Session, session_id, with_for_update=True)
            if session is None:
                raise NotFound(f"no session {session_id}")
            require(actor, Action.MANAGE_SESSIONS, session.group_id)
            if NEXT_STATUS.get(session.status) != to:
                raise InvalidTransition(
                    f"a {session.status} session cannot become {to}", status=session.status
                )
            db.add(
                SessionTransition(
                    session_id=session_id, from_status=session.status, to_status=to, by=actor.actor
                )
            )
            session.status = to
            audit.record(
                db, actor, f"session.{to}", f"session:{session_id}", group_id=session.group_id
            )
            frozen = None
            if to == "ended":
                row = await self._revisions.freeze(
                    db,
                    session.document,
                    label=f"{session.title} (end of session)",
                    kind="session_end",
                    created_by=actor.actor,
                    session_id=session_id,
                )
                frozen = (session.document, version_summary(row))
            result = schemas.MeetingSession.model_validate(session)
        await self.hub.publish(session_id, "session-status", change.model_dump(mode="json"))
        if frozen is not None:
            await self._revisions.announce(*frozen)
        return result

    async def transitions(
        self, actor: Principal, session_id: int
    ) -> list[schemas.SessionTransition]:
        session = await self.load(session_id)
        require(actor, Action.READ_TEXT, session.group_id)
        async with self._sessions() as db:
            rows = await db.scalars(
                select(SessionTransition)
                .where(SessionTransition.session_id == session_id)
                .order_by(SessionTransition.id)
            )
            return [
                schemas.SessionTransition.model_validate(
                    {"from": t.from_status, "to": t.to_status, "by": t.by, "at": t.at}
                )
                for t in rows
            ]

    async def versions(self, actor: Principal, session_id: int) -> list[schemas.DraftVersion]:
        session = await self.load(session_id)
        require(actor, Action.READ_TEXT, session.group_id)
        async with self._sessions() as db:
            rows = await db.scalars(
                select(DocumentVersion)
                .where(DocumentVersion.session_id == session_id)
                .order_by(DocumentVersion.id)
            )
            return [
                schemas.DraftVersion(
                    id=v.id,
                    number=v.number,
                    document=v.document,
                    label=v.label,
                    created_by=v.created_by,
                    created_at=v.created_at,
                    bytes=len(v.state),
                )
                for v in rows
            ]

    # -- stream links --------------------------------------------------------------

    async def streams(self, session_id: int) -> list[schemas.StreamLink]:
        async with self._sessions() as db:
            rows = await db.scalars(
                select(StreamLink)
                .where(StreamLink.session_id == session_id)
                .order_by(StreamLink.id)
            )
            return [schemas.StreamLink.model_validate(link) for link in rows]

    async def set_stream(
        self,
        actor: Principal,
        session_id: int,
        *,
        link_id: int | None = None,
        link: schemas.StreamLinkCreate | schemas.StreamLinkUpdate | None = None,
    ) -> schemas.StreamLinks:
        """Add (no id), change (id and values) or remove (id, no values) a stream link."""
        values = None if link is None else link.model_dump(exclude_none=True)
        async with self._sessions.begin() as db:
            session = await db.get(Session, session_id)
            if session is None:
                raise NotFound(f"no session {session_id}")
            require(actor, Action.MANAGE_SESSIONS, session.group_id)
            if link_id is None:
                assert values is not None
                db.add(StreamLink(session_id=session_id, **values))
                action = "stream.add"
            else:
                row = await db.get(StreamLink, link_id)
                if row is None or row.session_id != session_id:
                    raise NotFound(f"no stream link {link_id} in this session")
                if values is None:
                    await db.delete(row)
                    action = "stream.remove"
                else:
                    for key, value in values.items():
                        setattr(row, key, value)
                    action = "stream.change"
            audit.record(
                db,
                actor,
                action,
                f"session:{session_id}",
                group_id=session.group_id,
                link_id=link_id,
                **(values or {}),
            )
        links = schemas.StreamLinks(streams=await self.streams(session_id))
        await self.hub.publish(session_id, "stream-links", links.model_dump(mode="json"))
        return links


def _session(session: Session) -> dict[str, object]:
    """A session row's fields, for a response model that adds its own."""
    return schemas.MeetingSession.model_validate(session).model_dump()
