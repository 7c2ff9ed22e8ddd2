"""The working group around a document, read from SQL, as of a version's moment.

The report's "Description of the meetings and methodology" is generated from it:
the group's meetings (dates, venue, title) and their sessions (kind, breakout lead),
and participants by stakeholder group. For a version, only what existed at the
version's moment counts (meetings begun, sessions scheduled to start, delegations and
members added by then), so a version's report does not change when the group later
plans a meeting or seats a delegation.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth.tokens import Role
from server.groups.models import Delegation, Person, StakeholderGroup, WorkingGroup
from server.outputs.model import GroupContext, MeetingAt, Participation, SessionAt
from server.sessions.models import Meeting, Session


async def _meetings(db: AsyncSession, group_id: int, at: datetime | None) -> tuple[MeetingAt, ...]:
    meetings_q = select(Meeting).where(Meeting.group_id == group_id)
    sessions_q = (
        select(Session, Delegation.name)
        .outerjoin(Delegation, Delegation.id == Session.lead_delegation_id)
        .where(Session.group_id == group_id)
        .order_by(Session.scheduled_start, Session.id)
    )
    if at is not None:
        meetings_q = meetings_q.where(Meeting.starts_on <= at.date())
        sessions_q = sessions_q.where(Session.scheduled_start <= at)
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
