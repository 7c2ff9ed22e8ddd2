"""Working groups, their seats, delegations, people, invitations and documents.

Every method checks the actor's permission, runs in one transaction (nothing is
half-written), records what it changed in the audit log, and, when someone's
access changed, tells the live rooms after the commit.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from server import audit
from server.auth.permissions import Action, require
from server.auth.principal import Principal
from server.auth.tokens import Role
from server.errors import NotFound, QuotaExceeded
from server.groups import schemas
from server.groups.models import (
    Delegation,
    Invitation,
    Person,
    StakeholderGroup,
    WorkingGroup,
)
from server.groups.presets import WGEC_STAKEHOLDER_GROUPS, Seats, StakeholderKey
from server.storage.models import utcnow
from server.validation import ValidationFailed


@dataclass(frozen=True)
class AccessChange:
    """Someone's access changed: live connections must be re-checked.

    ``person_id`` None means the group stopped public following: its anonymous
    readers must go.
    """

    person_id: int | None
    invitation_id: int | None = None
    group_id: int | None = None


AccessHook = Callable[[AccessChange], Awaitable[object]]


class GroupService:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        logger: logging.Logger,
        on_access_changed: AccessHook | None = None,
    ) -> None:
        self.sessions = sessions
        self._log = logger
        self._hooks: list[AccessHook] = [on_access_changed] if on_access_changed else []

    def on_access_changed(self, hook: AccessHook) -> None:
        self._hooks.append(hook)

    # -- what the other group services build on ------------------------------------------
    # ``sessions`` (above) opens transactions on the access model's database.

    async def notify(self, change: AccessChange) -> None:
        """Tell the live side that someone's access changed (after the commit)."""
        for hook in self._hooks:
            try:
                await hook(change)
            except Exception:
                self._log.exception("access-change hook failed for %s", change)

    # -- groups ------------------------------------------------------------------

    async def create_group(
        self,
        actor: Principal,
        new: schemas.GroupCreate,
        *,
        stakeholder_groups: Sequence[Seats] = WGEC_STAKEHOLDER_GROUPS,
    ) -> schemas.Group:
        require(actor, Action.CREATE_GROUP, None)
        slug = new.slug
        taken = ValidationFailed({"slug": f"a working group {slug!r} already exists"})
        try:
            group = await self._create_group(
                actor,
                slug,
                new.name,
                new.mandate or "",
                new.public_follow,
                stakeholder_groups,
                taken,
            )
        except IntegrityError as exc:  # a concurrent request took the slug first
            raise taken from exc
        return await self.get_group(actor, group.id)

    async def _create_group(
        self,
        actor: Principal,
        slug: str,
        name: str,
        mandate: str,
        public_follow: bool,
        stakeholder_groups: Sequence[Seats],
        taken: ValidationFailed,
    ) -> WorkingGroup:
        async with self.sessions.begin() as session:
            if await session.scalar(select(WorkingGroup.id).where(WorkingGroup.slug == slug)):
                raise taken
            group = WorkingGroup(slug=slug, name=name, mandate=mandate, public_follow=public_follow)
            session.add(group)
            await session.flush()
            for seats in stakeholder_groups:
                session.add(
                    StakeholderGroup(
                        group_id=group.id, key=seats.key, name=seats.name, seats=seats.seats
                    )
                )
            audit.record(
                session,
                actor,
                "group.create",
                f"group:{group.id}",
                group_id=group.id,
                slug=slug,
                name=name,
            )
        return group

    async def update_group(
        self, actor: Principal, group_id: int, change: schemas.GroupUpdate
    ) -> schemas.Group:
        require(actor, Action.MANAGE_PEOPLE, group_id)
        public_follow = change.public_follow
        async with self.sessions.begin() as session:
            group = await self.group(session, group_id)
            if change.time_zone is not None and change.time_zone != group.time_zone:
                audit.record(
                    session, actor, "group.time_zone", f"group:{group_id}", group_id=group_id,
                    before=group.time_zone, after=change.time_zone,
                )  # fmt: skip
                group.time_zone = change.time_zone
            changed = public_follow is not None and public_follow != group.public_follow
            if changed:
                group.public_follow = bool(public_follow)
                audit.record(
                    session,
                    actor,
                    "group.public_follow",
                    f"group:{group_id}",
                    group_id=group_id,
                    public_follow=public_follow,
                )
        if changed and not public_follow:
            await self.notify(AccessChange(person_id=None, group_id=group_id))
        return await self.get_group(actor, group_id)

    async def list_groups(self, actor: Principal) -> list[schemas.GroupSummary]:
        async with self.sessions() as session:
            query = select(WorkingGroup).order_by(WorkingGroup.id)
            if actor.group_id is not None:
                query = query.where(WorkingGroup.id == actor.group_id)
            groups = (await session.scalars(query)).all()
            return [schemas.GroupSummary.model_validate(g) for g in groups]

    async def get_group(self, actor: Principal, group_id: int) -> schemas.Group:
        require(actor, Action.VIEW_GROUP, group_id)
        async with self.sessions() as session:
            group = await self.group(session, group_id)
            rows = (
                await session.execute(
                    select(StakeholderGroup, func.count(Delegation.id))
                    .outerjoin(Delegation, Delegation.stakeholder_group_id == StakeholderGroup.id)
                    .where(StakeholderGroup.group_id == group_id)
                    .group_by(StakeholderGroup.id)
                    .order_by(StakeholderGroup.id)
                )
            ).all()
            seats = [
                schemas.StakeholderSeats(
                    key=StakeholderKey(sg.key), name=sg.name, seats=sg.seats, taken=int(n)
                )
                for sg, n in rows
            ]
            summary = schemas.GroupSummary.model_validate(group)
            return schemas.Group(**dict(summary), stakeholder_groups=seats)

    async def group_id(self, slug: str) -> int:
        async with self.sessions() as session:
            value = await session.scalar(select(WorkingGroup.id).where(WorkingGroup.slug == slug))
        if value is None:
            raise NotFound(f"no working group {slug!r}")
        return int(value)

    async def group(self, session: AsyncSession, group_id: int) -> WorkingGroup:
        """The working group ``group_id`` in ``session``, or ``NotFound``."""
        group = await session.get(WorkingGroup, group_id)
        if group is None:
            raise NotFound(f"no working group {group_id}")
        return group

    # -- delegations ---------------------------------------------------------------

    async def add_delegation(
        self, actor: Principal, group_id: int, new: schemas.DelegationCreate
    ) -> schemas.Delegation:
        require(actor, Action.MANAGE_PEOPLE, group_id)
        name, stakeholder = new.name, new.stakeholder_group
        try:
            async with self.sessions.begin() as session:
                delegation = await self._add_delegation(session, actor, group_id, name, stakeholder)
                result = schemas.Delegation(
                    id=delegation.id, name=delegation.name, stakeholder_group=stakeholder
                )
        except IntegrityError as exc:  # a concurrent request added the same name first
            raise ValidationFailed({"name": f"a delegation named {name!r} already exists"}) from exc
        return result

    async def _add_delegation(
        self, session: AsyncSession, actor: Principal, group_id: int, name: str, stakeholder: str
    ) -> Delegation:
        # Write first: the no-op UPDATE takes the stakeholder group's row lock
        # (PostgreSQL) or the database write lock (SQLite, waiting on busy_timeout),
        # so two concurrent additions cannot both count the last seat as free.
        await session.execute(
            update(StakeholderGroup)
            .where(StakeholderGroup.group_id == group_id, StakeholderGroup.key == stakeholder)
            .values(seats=StakeholderGroup.seats)
        )
        await self.group(session, group_id)
        sg = await session.scalar(
            select(StakeholderGroup).where(
                StakeholderGroup.group_id == group_id, StakeholderGroup.key == stakeholder
            )
        )
        if sg is None:
            keys = await session.scalars(
                select(StakeholderGroup.key).where(StakeholderGroup.group_id == group_id)
            )
            raise ValidationFailed({"stakeholder_group": f"must be one of: {', '.join(keys)}"})
        if await session.scalar(
            select(Delegation.id).where(Delegation.group_id == group_id, Delegation.name == name)
        ):
            raise ValidationFailed({"name": f"a delegation named {name!r} already exists"})
        taken = await session.scalar(
            select(func.count(Delegation.id)).where(Delegation.stakeholder_group_id == sg.id)
        )
        if (taken or 0) >= sg.seats:
            raise QuotaExceeded(
                f"{sg.name} has {sg.seats} seats and all are taken; {name!r} cannot join",
                stakeholder_group=stakeholder,
                seats=sg.seats,
            )
        delegation = Delegation(group_id=group_id, stakeholder_group_id=sg.id, name=name)
        session.add(delegation)
        await session.flush()
        audit.record(
            session,
            actor,
            "delegation.add",
            f"delegation:{delegation.id}",
            group_id=group_id,
            name=name,
            stakeholder_group=stakeholder,
        )
        return delegation

    async def list_delegations(self, actor: Principal, group_id: int) -> list[schemas.Delegation]:
        require(actor, Action.VIEW_GROUP, group_id)
        async with self.sessions() as session:
            rows = (
                await session.execute(
                    select(Delegation, StakeholderGroup.key)
                    .join(StakeholderGroup, StakeholderGroup.id == Delegation.stakeholder_group_id)
                    .where(Delegation.group_id == group_id)
                    .order_by(Delegation.id)
                )
            ).all()
            return [
                schemas.Delegation(id=d.id, name=d.name, stakeholder_group=StakeholderKey(key))
                for d, key in rows
            ]

    # -- people --------------------------------------------------------------------

    async def add_person(
        self,
        actor: Principal,
        group_id: int,
        new: schemas.PersonCreate,
        *,
        organization: str | None = None,
        audit_action: str = "person.add",
        session: AsyncSession | None = None,
    ) -> schemas.Person:
        """Add a person; in ``session`` when given (an observer's admission), else in
        a transaction of its own. ``organization``: whom an observer speaks for."""
        require(actor, Action.MANAGE_PEOPLE, group_id)
        if session is None:
            async with self.sessions.begin() as own:
                return await self.add_person(
                    actor,
                    group_id,
                    new,
                    organization=organization,
                    audit_action=audit_action,
                    session=own,
                )
        name, role, delegation_id = new.name, new.role, new.delegation_id
        await self.group(session, group_id)
        if role is Role.MEMBER and delegation_id is None:
            raise ValidationFailed({"delegation_id": "a member sits for a delegation"})
        if delegation_id is not None:
            delegation = await session.get(Delegation, delegation_id)
            if delegation is None or delegation.group_id != group_id:
                raise ValidationFailed({"delegation_id": "no such delegation in this group"})
        person = Person(
            group_id=group_id,
            name=name,
            role=role.value,
            email=new.email,
            delegation_id=delegation_id,
            organization=organization,
        )
        session.add(person)
        await session.flush()
        audit.record(
            session,
            actor,
            audit_action,
            f"person:{person.id}",
            group_id=group_id,
            name=name,
            role=role.value,
            delegation_id=delegation_id,
        )
        return schemas.Person.model_validate(person)

    async def affiliation(self, person_id: int) -> str | None:
        """The delegation (or, for an observer, the organization) a person speaks for."""
        async with self.sessions() as session:
            person = await session.get(Person, person_id)
            if person is None:
                return None
            if person.delegation_id is not None:
                delegation = await session.get(Delegation, person.delegation_id)
                return delegation.name if delegation else None
            return person.organization

    async def list_people(self, actor: Principal, group_id: int) -> list[schemas.Person]:
        require(actor, Action.VIEW_PEOPLE, group_id)
        async with self.sessions() as session:
            people = await session.scalars(
                select(Person).where(Person.group_id == group_id).order_by(Person.id)
            )
            return [schemas.Person.model_validate(p) for p in people]

    async def update_person(
        self,
        actor: Principal,
        group_id: int,
        person_id: int,
        change: schemas.PersonUpdate,
    ) -> schemas.Person:
        """Change a role (connections are upgraded or downgraded) or revoke access."""
        require(actor, Action.MANAGE_PEOPLE, group_id)
        role, active = change.role, change.active
        async with self.sessions.begin() as session:
            person = await self.person(session, group_id, person_id)
            if role is not None and role.value != person.role:
                if role is Role.MEMBER and person.delegation_id is None:
                    raise ValidationFailed({"role": "a member sits for a delegation"})
                audit.record(
                    session,
                    actor,
                    "person.role",
                    f"person:{person_id}",
                    group_id=group_id,
                    old=person.role,
                    new=role.value,
                )
                person.role = role.value
            if active is not None and active != person.active:
                person.active = active
                # Every token and link issued so far dies with the revocation, even if
                # the person is reinstated; their links are marked revoked as well.
                person.token_version += 1
                links = await self._revoke_links(session, person_id) if not active else 0
                audit.record(
                    session,
                    actor,
                    "person.revoke" if not active else "person.reinstate",
                    f"person:{person_id}",
                    group_id=group_id,
                    **({"links_revoked": links} if not active else {}),
                )
            result = schemas.Person.model_validate(person)
        await self.notify(AccessChange(person_id))
        return result

    async def _revoke_links(self, session: AsyncSession, person_id: int) -> int:
        """Mark the person's unrevoked invitation links revoked; how many were."""
        revoked = await session.scalars(
            update(Invitation)
            .where(Invitation.person_id == person_id, Invitation.revoked_at.is_(None))
            .values(revoked_at=utcnow())
            .returning(Invitation.id)
            .execution_options(synchronize_session=False)
        )
        return len(revoked.all())

    async def person(self, session: AsyncSession, group_id: int, person_id: int) -> Person:
        """The person ``person_id`` of the group, or ``NotFound``."""
        person = await session.get(Person, person_id)
        if person is None or person.group_id != group_id:
            raise NotFound(f"no person {person_id} in this working group")
        return person
