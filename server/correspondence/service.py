"""Correspondence groups: created with terms of reference (a document of kind
``correspondence`` made for it), a chair, members and a deadline; their members
co-edit the mapping table (check-and-set on each area's ``revision``); the chair's
report and the compilation of contributions are documents of the working group,
attached to the meeting where they are presented.

Officers (MANAGE_CORRESPONDENCE) manage; READ_RESPONSES holders read; the mapping
table is edited by the group's members and chair and by officers. Changes are
announced live on the working group's topic (``server.issuetable.live``).
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crdt.schema import DocumentKind
from server import audit
from server.auth.permissions import Action, allowed, require
from server.auth.principal import Principal
from server.correspondence import schemas as s
from server.correspondence.models import CorrespondenceGroup, CorrespondenceMember, MappingArea
from server.errors import Conflict, Forbidden, NotFound, StaleRevision
from server.groups.models import GroupDocument, Person, WorkingGroup
from server.issuetable.live import GroupEvent, GroupLive, next_seq
from server.sessions.models import Meeting
from server.storage.models import Document, utcnow
from server.validation import ValidationFailed

EDITOR_ROLES = ("chair", "secretariat", "member", "observer")


class CorrespondenceService:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        live: GroupLive,
        logger: logging.Logger,
    ) -> None:
        self._sessions = sessions
        self._live = live
        self._log = logger

    # -- reading ---------------------------------------------------------------------

    async def list_groups(self, actor: Principal, group_id: int) -> s.CorrespondenceList:
        require(actor, Action.READ_RESPONSES, group_id)
        async with self._sessions() as db:
            if await db.get(WorkingGroup, group_id) is None:
                raise NotFound(f"no working group {group_id}")
            rows = list(
                await db.scalars(
                    select(CorrespondenceGroup)
                    .where(CorrespondenceGroup.group_id == group_id)
                    .order_by(CorrespondenceGroup.id)
                )
            )
            return s.CorrespondenceList(correspondence=[await _model(db, r) for r in rows])

    async def get(self, actor: Principal, cid: int) -> s.CorrespondenceGroup:
        async with self._sessions() as db:
            row = await self._readable(db, actor, cid)
            return await _model(db, row)

    async def areas(self, actor: Principal, cid: int) -> s.AreaList:
        async with self._sessions() as db:
            await self._readable(db, actor, cid)
            return s.AreaList(correspondence_id=cid, areas=await _areas(db, cid))

    async def state(self, db: AsyncSession, group_id: int) -> list[dict[str, Any]]:
        """Every correspondence group of the working group with its mapping table."""
        rows = await db.scalars(
            select(CorrespondenceGroup)
            .where(CorrespondenceGroup.group_id == group_id)
            .order_by(CorrespondenceGroup.id)
        )
        return [
            {
                "correspondence": (await _model(db, r)).model_dump(mode="json"),
                "areas": [a.model_dump(mode="json") for a in await _areas(db, r.id)],
            }
            for r in list(rows)
        ]

    # -- managing ---------------------------------------------------------------------

    async def create(
        self, actor: Principal, group_id: int, body: s.CorrespondenceCreate
    ) -> s.CorrespondenceGroup:
        require(actor, Action.MANAGE_CORRESPONDENCE, group_id)
        async with self._live.change(group_id) as events:
            async with self._sessions.begin() as db:
                group = await db.get(WorkingGroup, group_id)
                if group is None:
                    raise NotFound(f"no working group {group_id}")
                seq = await next_seq(db, group_id)  # first: serializes the naming
                if body.chair_person_id is not None:
                    await _person(db, group_id, body.chair_person_id, "chair_person_id")
                row = CorrespondenceGroup(
                    group_id=group_id, title=body.title, terms_document_id=0,
                    chair_person_id=body.chair_person_id, deadline=body.deadline,
                    revision=1, created_at=utcnow(),
                )  # fmt: skip
                # The terms of reference are made with it: a document of the group.
                count = await db.scalar(
                    select(func.count(CorrespondenceGroup.id)).where(
                        CorrespondenceGroup.group_id == group_id
                    )
                )
                terms = await _document(
                    db, group_id, f"{group.slug}-cg{(count or 0) + 1}-terms",
                    f"Terms of reference: {body.title}", DocumentKind.CORRESPONDENCE,
                )  # fmt: skip
                row.terms_document_id = terms
                db.add(row)
                await db.flush()
                for pid in dict.fromkeys(body.members):
                    await _person(db, group_id, pid, "members")
                    db.add(CorrespondenceMember(correspondence_id=row.id, person_id=pid))
                audit.record(
                    db, actor, "correspondence.create", f"correspondence:{row.id}",
                    group_id=group_id, title=body.title,
                )  # fmt: skip
                out = await self._changed(db, row, events, seq)
        return out

    async def patch(
        self, actor: Principal, cid: int, body: s.CorrespondencePatch
    ) -> s.CorrespondenceGroup:
        group_id = await self._group_of(cid)
        require(actor, Action.MANAGE_CORRESPONDENCE, group_id)
        values = body.model_dump(exclude_none=True)
        async with self._live.change(group_id) as events:
            async with self._sessions.begin() as db:
                row = await _cg(db, cid)
                if body.chair_person_id is not None:
                    await _person(db, group_id, body.chair_person_id, "chair_person_id")
                if body.meeting_id is not None:
                    await _meeting(db, group_id, body.meeting_id)
                for key, value in values.items():
                    setattr(row, key, value)
                row.revision += 1
                audit.record(
                    db, actor, "correspondence.edit", f"correspondence:{cid}",
                    group_id=group_id, fields=sorted(values),
                )  # fmt: skip
                out = await self._changed(db, row, events)
        return out

    async def member(
        self, actor: Principal, cid: int, person_id: int, *, add: bool
    ) -> s.CorrespondenceGroup:
        group_id = await self._group_of(cid)
        require(actor, Action.MANAGE_CORRESPONDENCE, group_id)
        async with self._live.change(group_id) as events:
            async with self._sessions.begin() as db:
                row = await _cg(db, cid)
                await _person(db, group_id, person_id, "person")
                existing = await db.scalar(
                    select(CorrespondenceMember).where(
                        CorrespondenceMember.correspondence_id == cid,
                        CorrespondenceMember.person_id == person_id,
                    )
                )
                if add == (existing is not None):
                    return await _model(db, row)
                if add:
                    db.add(CorrespondenceMember(correspondence_id=cid, person_id=person_id))
                else:
                    await db.execute(
                        delete(CorrespondenceMember).where(
                            CorrespondenceMember.correspondence_id == cid,
                            CorrespondenceMember.person_id == person_id,
                        )
                    )
                row.revision += 1
                audit.record(
                    db, actor, "correspondence.member" if add else "correspondence.unmember",
                    f"correspondence:{cid}", group_id=group_id, person=person_id,
                )  # fmt: skip
                out = await self._changed(db, row, events)
        return out

    async def document(
        self, actor: Principal, cid: int, body: s.DocumentCreate
    ) -> s.CorrespondenceGroup:
        """The chair's report (kind report) or the compilation of contributions (kind
        correspondence): a document of the working group, attached to the meeting."""
        group_id = await self._group_of(cid)
        require(actor, Action.MANAGE_CORRESPONDENCE, group_id)
        async with self._live.change(group_id) as events:
            async with self._sessions.begin() as db:
                row = await _cg(db, cid)
                group = await db.get(WorkingGroup, group_id)
                assert group is not None
                attr = f"{body.role}_document_id"
                if getattr(row, attr) is not None:
                    raise Conflict(f"correspondence group {cid} has its {body.role} already")
                if body.meeting_id is not None:
                    await _meeting(db, group_id, body.meeting_id)
                    row.meeting_id = body.meeting_id
                index = await db.scalar(
                    select(func.count(CorrespondenceGroup.id)).where(
                        CorrespondenceGroup.group_id == group_id,
                        CorrespondenceGroup.id <= cid,
                    )
                )
                kind = DocumentKind.REPORT if body.role == "report" else DocumentKind.CORRESPONDENCE
                title = "Report of the chair: " if body.role == "report" else "Compilation: "
                made = await _document(
                    db, group_id, f"{group.slug}-cg{index}-{body.role}", title + row.title, kind
                )
                setattr(row, attr, made)
                row.revision += 1
                audit.record(
                    db, actor, f"correspondence.{body.role}", f"correspondence:{cid}",
                    group_id=group_id, meeting=body.meeting_id,
                )  # fmt: skip
                out = await self._changed(db, row, events)
        return out

    # -- the mapping table --------------------------------------------------------------

    async def add_area(self, actor: Principal, cid: int, body: s.AreaCreate) -> s.MappingArea:
        group_id = await self._group_of(cid)
        async with self._live.change(group_id) as events:
            async with self._sessions.begin() as db:
                row = await _cg(db, cid)
                await self._may_edit(db, actor, row)
                seq = await next_seq(db, group_id)  # first: serializes the numbering
                last = await db.scalar(
                    select(func.max(MappingArea.number)).where(MappingArea.correspondence_id == cid)
                )
                area = MappingArea(
                    correspondence_id=cid, number=(last or 0) + 1, area=body.area,
                    mechanisms=body.mechanisms, gaps=body.gaps, contributions=body.contributions,
                    revision=1, updated_by=actor.name, updated_at=utcnow(),
                )  # fmt: skip
                db.add(area)
                await db.flush()
                audit.record(
                    db, actor, "mapping.add", f"area:{area.id}", group_id=group_id,
                    correspondence=cid,
                )  # fmt: skip
                out = await self._area_event(db, group_id, area, "created", events, seq)
        return out

    async def edit_area(
        self, actor: Principal, cid: int, aid: int, body: s.AreaPatch
    ) -> s.MappingArea:
        group_id = await self._group_of(cid)
        values: dict[str, Any] = body.model_dump(exclude_none=True, exclude={"revision"})
        if not values:
            raise ValidationFailed({"body": "nothing to change: name a field besides revision"})
        async with self._live.change(group_id) as events:
            async with self._sessions.begin() as db:
                row = await _cg(db, cid)
                await self._may_edit(db, actor, row)
                area = await _area(db, cid, aid)
                done: Any = await db.execute(
                    update(MappingArea)
                    .where(MappingArea.id == aid, MappingArea.revision == body.revision)
                    .values(
                        **values,
                        revision=MappingArea.revision + 1,
                        updated_by=actor.name,
                        updated_at=utcnow(),
                    )
                    .execution_options(synchronize_session=False)
                )
                if done.rowcount == 1:
                    await db.refresh(area)
                    audit.record(
                        db, actor, "mapping.edit", f"area:{aid}", group_id=group_id,
                        correspondence=cid, fields=sorted(values),
                    )  # fmt: skip
                    return await self._area_event(db, group_id, area, "updated", events)
            current = s.MappingArea.model_validate(area)
        raise StaleRevision(
            f"area {aid} changed since revision {body.revision} (now {current.revision}); "
            "nothing was changed",
            current=current.model_dump(mode="json"),
        )

    async def delete_area(self, actor: Principal, cid: int, aid: int) -> s.MappingArea:
        group_id = await self._group_of(cid)
        async with self._live.change(group_id) as events:
            async with self._sessions.begin() as db:
                row = await _cg(db, cid)
                await self._may_edit(db, actor, row)
                area = await _area(db, cid, aid)
                out = await self._area_event(db, group_id, area, "deleted", events)
                await db.delete(area)
                audit.record(
                    db, actor, "mapping.delete", f"area:{aid}", group_id=group_id,
                    correspondence=cid,
                )  # fmt: skip
        return out

    # -- helpers -----------------------------------------------------------------------

    async def _group_of(self, cid: int) -> int:
        async with self._sessions() as db:
            return (await _cg(db, cid)).group_id

    async def _readable(self, db: AsyncSession, actor: Principal, cid: int) -> CorrespondenceGroup:
        row = await _cg(db, cid)
        require(actor, Action.READ_RESPONSES, row.group_id)
        return row

    async def _may_edit(self, db: AsyncSession, actor: Principal, row: CorrespondenceGroup) -> None:
        """Officers, the group's chair and its members edit its mapping table."""
        if allowed(actor, Action.MANAGE_CORRESPONDENCE, row.group_id):
            return
        require(actor, Action.READ_RESPONSES, row.group_id)
        pid = actor.person_id
        if pid is not None and (
            pid == row.chair_person_id
            or await db.scalar(
                select(CorrespondenceMember.id).where(
                    CorrespondenceMember.correspondence_id == row.id,
                    CorrespondenceMember.person_id == pid,
                )
            )
            is not None
        ):
            return
        raise Forbidden(
            "only the correspondence group's members and chair (and officers) edit its "
            "mapping table",
            action="edit_mapping",
        )

    async def _changed(
        self, db: AsyncSession, row: CorrespondenceGroup, events: list[GroupEvent], seq: int = 0
    ) -> s.CorrespondenceGroup:
        await db.flush()
        out = await _model(db, row)
        events.append(
            GroupEvent(
                "correspondence-changed",
                {
                    "seq": seq or await next_seq(db, row.group_id),
                    "group_id": row.group_id,
                    "correspondence": out.model_dump(mode="json"),
                },
            )
        )
        return out

    async def _area_event(
        self,
        db: AsyncSession,
        group_id: int,
        area: MappingArea,
        action: str,
        events: list[GroupEvent],
        seq: int = 0,
    ) -> s.MappingArea:
        out = s.MappingArea.model_validate(area)
        events.append(
            GroupEvent(
                "mapping-area",
                {
                    "seq": seq or await next_seq(db, group_id),
                    "group_id": group_id,
                    "correspondence_id": area.correspondence_id,
                    "action": action,
                    "area": out.model_dump(mode="json"),
                },
            )
        )
        return out


async def _cg(db: AsyncSession, cid: int) -> CorrespondenceGroup:
    row = await db.get(CorrespondenceGroup, cid)
    if row is None:
        raise NotFound(f"no correspondence group {cid}")
    return row


async def _area(db: AsyncSession, cid: int, aid: int) -> MappingArea:
    area = await db.get(MappingArea, aid)
    if area is None or area.correspondence_id != cid:
        raise NotFound(f"no area {aid} in correspondence group {cid}")
    return area


async def _areas(db: AsyncSession, cid: int) -> list[s.MappingArea]:
    rows = await db.scalars(
        select(MappingArea)
        .where(MappingArea.correspondence_id == cid)
        .order_by(MappingArea.number)
        .execution_options(populate_existing=True)
    )
    return [s.MappingArea.model_validate(a) for a in rows]


async def _person(db: AsyncSession, group_id: int, person_id: int, field: str) -> Person:
    person = await db.get(Person, person_id)
    if person is None or person.group_id != group_id or not person.active:
        raise ValidationFailed({field: f"person {person_id} is not in this working group"})
    if person.role not in EDITOR_ROLES:
        raise ValidationFailed(
            {field: f"a {person.role} cannot take part in a correspondence group"}
        )
    return person


async def _meeting(db: AsyncSession, group_id: int, meeting_id: int) -> None:
    meeting = await db.get(Meeting, meeting_id)
    if meeting is None or meeting.group_id != group_id:
        raise ValidationFailed({"meeting_id": f"meeting {meeting_id} is not this group's"})


async def _document(
    db: AsyncSession, group_id: int, name: str, title: str, kind: DocumentKind
) -> int:
    if await db.scalar(select(Document.id).where(Document.name == name)) is not None:
        raise Conflict(f"a document named {name!r} exists already")
    document = Document(name=name, created_at=utcnow())
    db.add(document)
    await db.flush()
    db.add(
        GroupDocument(
            document_id=document.id,
            group_id=group_id,
            title=title[:200],
            kind=kind.value,
            public=True,
        )
    )
    return document.id


async def _model(db: AsyncSession, row: CorrespondenceGroup) -> s.CorrespondenceGroup:
    names = {
        i: n
        for i, n in (
            await db.execute(
                select(Document.id, Document.name).where(
                    Document.id.in_(
                        [
                            d
                            for d in (
                                row.terms_document_id,
                                row.report_document_id,
                                row.compilation_document_id,
                            )
                            if d is not None
                        ]
                    )
                )
            )
        ).all()
    }
    members = (
        await db.execute(
            select(Person.id, Person.name)
            .join(CorrespondenceMember, CorrespondenceMember.person_id == Person.id)
            .where(CorrespondenceMember.correspondence_id == row.id)
            .order_by(Person.name)
        )
    ).all()
    chair = await db.get(Person, row.chair_person_id) if row.chair_person_id else None
    return s.CorrespondenceGroup(
        id=row.id, group_id=row.group_id, title=row.title,
        terms_document=names[row.terms_document_id],
        chair=None if chair is None else s.PersonRef(id=chair.id, name=chair.name),
        members=[s.PersonRef(id=i, name=n) for i, n in members],
        deadline=row.deadline,
        report_document=names.get(row.report_document_id or 0),
        compilation_document=names.get(row.compilation_document_id or 0),
        meeting_id=row.meeting_id, revision=row.revision, created_at=row.created_at,
    )  # fmt: skip
