"""The working group around a document, read from SQL, as of a version's moment.

The report's "Description of the meetings and methodology" is generated from it:
the group's meetings (dates, venue, title) and their sessions (kind, breakout lead),
and participants by stakeholder group. For a version, only what existed at the
version's moment counts (meetings begun, sessions scheduled to start or gone live,
delegations and members added by then), so a version's report does not change when
the group later plans a meeting or seats a delegation.

Meetings and sessions carry no creation time, though: a meeting entered after a
version but dated before it would pass the "as of" filter. So the context is frozen
with each version when it is made (``frozen_context``, which the revisions service
calls in the version's transaction; ``to_json``/``from_json`` round-trip it exactly),
and a version's report uses that; versions made before it was kept compute it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth.tokens import Role
from server.groups.models import (
    Delegation,
    GroupDocument,
    Person,
    StakeholderGroup,
    WorkingGroup,
)
from server.outputs.model import GroupContext, MeetingAt, Participation, SessionAt
from server.sessions.models import Meeting, Session, SessionTransition
from server.storage.models import Document


async def _meetings(db: AsyncSession, group_id: int, at: datetime | None) -> tuple[MeetingAt, ...]:
    meetings_q = select(Meeting).where(Meeting.group_id == group_id)
    sessions_q = (
        select(Session, Delegation.name)
        .outerjoin(Delegation, Delegation.id == Session.lead_delegation_id)
        .where(Session.group_id == group_id)
        .order_by(Session.scheduled_start, Session.id)
    )
    if at is not None:
        # A session counts once scheduled to have started, or once it went live
        # (early) by then; a meeting once begun, or once one of its sessions counts.
        begun = select(SessionTransition.session_id).where(SessionTransition.at <= at)
        sessions_q = sessions_q.where(or_(Session.scheduled_start <= at, Session.id.in_(begun)))
    by_meeting: dict[int, list[SessionAt]] = {}
    for session, lead in (await db.execute(sessions_q)).all():
        by_meeting.setdefault(session.meeting_id, []).append(
            SessionAt(
                title=session.title,
                kind=session.kind,
                starts=session.scheduled_start,
                ends=session.scheduled_end,
                lead=lead,
            )
        )
    if at is not None:
        meetings_q = meetings_q.where(
            or_(Meeting.starts_on <= at.date(), Meeting.id.in_(list(by_meeting)))
        )
    rows = await db.scalars(meetings_q.order_by(Meeting.starts_on, Meeting.number))
    return tuple(
        MeetingAt(
            number=m.number,
            title=m.title,
            venue=m.venue,
            starts_on=m.starts_on,
            ends_on=m.ends_on,
            sessions=tuple(by_meeting.get(m.id, ())),
        )
        for m in rows
    )


async def _participation(
    db: AsyncSession, group_id: int, at: datetime | None
) -> tuple[Participation, ...]:
    delegations_q = select(Delegation.stakeholder_group_id, func.count(Delegation.id)).where(
        Delegation.group_id == group_id
    )
    members_q = (
        select(Delegation.stakeholder_group_id, func.count(Person.id))
        .join(Delegation, Delegation.id == Person.delegation_id)
        .where(Person.group_id == group_id, Person.role == Role.MEMBER.value)
    )
    if at is not None:
        delegations_q = delegations_q.where(Delegation.created_at <= at)
        members_q = members_q.where(Person.created_at <= at)
    delegations: dict[int, int] = {
        sg: n for sg, n in await db.execute(delegations_q.group_by(Delegation.stakeholder_group_id))
    }
    members: dict[int, int] = {
        sg: n for sg, n in await db.execute(members_q.group_by(Delegation.stakeholder_group_id))
    }
    groups = await db.scalars(
        select(StakeholderGroup)
        .where(StakeholderGroup.group_id == group_id)
        .order_by(StakeholderGroup.id)
    )
    return tuple(
        Participation(
            name=g.name,
            seats=g.seats,
            delegations=int(delegations.get(g.id, 0)),
            members=int(members.get(g.id, 0)),
        )
        for g in groups
    )


async def group_context(
    db: AsyncSession, group_id: int | None, at: datetime | None
) -> GroupContext:
    """The group's context as of ``at`` (None: everything, now); empty for a document
    of no group."""
    if group_id is None:
        return GroupContext()
    group = await db.get(WorkingGroup, group_id)
    return GroupContext(
        name=group.name if group is not None else "",
        meetings=await _meetings(db, group_id, at),
        participation=await _participation(db, group_id, at),
    )


async def frozen_context(db: AsyncSession, document: str, at: datetime) -> dict[str, Any] | None:
    """The context of ``document``'s group as of ``at``, as JSON, to keep with a version
    made then (None for a document of no group: nothing to keep)."""
    group_id = await db.scalar(
        select(GroupDocument.group_id)
        .join(Document, Document.id == GroupDocument.document_id)
        .where(Document.name == document)
    )
    if group_id is None:
        return None
    return to_json(await group_context(db, group_id, at))


def to_json(context: GroupContext) -> dict[str, Any]:
    """The group's context (its questionnaire figures left out: those are read as of
    the version's moment from timestamped responses) as plain JSON."""
    return {
        "name": context.name,
        "meetings": [
            {
                "number": m.number,
                "title": m.title,
                "venue": m.venue,
                "starts_on": m.starts_on.isoformat(),
                "ends_on": m.ends_on.isoformat(),
                "sessions": [
                    {
                        "title": s.title,
                        "kind": s.kind,
                        "starts": s.starts.isoformat(),
                        "ends": s.ends.isoformat(),
                        "lead": s.lead,
                    }
                    for s in m.sessions
                ],
            }
            for m in context.meetings
        ],
        "participation": [
            {"name": p.name, "seats": p.seats, "delegations": p.delegations, "members": p.members}
            for p in context.participation
        ],
    }


def from_json(data: dict[str, Any]) -> GroupContext:
    """``to_json``'s context back, exactly."""
    return GroupContext(
        name=str(data["name"]),
        meetings=tuple(
            MeetingAt(
                number=int(m["number"]),
                title=str(m["title"]),
                venue=str(m["venue"]),
                starts_on=date.fromisoformat(m["starts_on"]),
                ends_on=date.fromisoformat(m["ends_on"]),
                sessions=tuple(
                    SessionAt(
                        title=str(s["title"]),
                        kind=str(s["kind"]),
                        starts=datetime.fromisoformat(s["starts"]),
                        ends=datetime.fromisoformat(s["ends"]),
                        lead=None if s["lead"] is None else str(s["lead"]),
                    )
                    for s in m["sessions"]
                ),
            )
            for m in data["meetings"]
        ),
        participation=tuple(
            Participation(
                name=str(p["name"]),
                seats=int(p["seats"]),
                delegations=int(p["delegations"]),
                members=int(p["members"]),
            )
            for p in data["participation"]
        ),
    )
