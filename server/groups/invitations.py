"""Invitations: one-person login links; only a hash of each secret code is stored.

A link is single-use unless the deployment says otherwise: its first redemption
claims it with a conditional UPDATE, so of two simultaneous openings exactly one
signs in. A link dies with its person's revocation (the version it was issued
under no longer matches) and a reinstatement does not revive it.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server import audit
from server.auth.access import is_live
from server.auth.permissions import Action, require
from server.auth.principal import Principal
from server.errors import Conflict, InvitationUsed, NotFound, Unauthenticated
from server.groups import schemas
from server.groups.models import (
    Invitation,
    Person,
)
from server.groups.service import AccessChange, GroupService
from server.storage.models import utcnow


def hash_code(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


class InvitationService:
    def __init__(self, groups: GroupService, *, single_use: bool = True) -> None:
        self._groups = groups
        self._single_use = single_use

    async def issue_invitation(
        self, actor: Principal, group_id: int, person_id: int, *, ttl_seconds: int
    ) -> schemas.IssuedInvitation:
        """A one-person login link; the returned ``code`` is never shown again."""
        require(actor, Action.MANAGE_INVITATIONS, group_id)
        code = secrets.token_urlsafe(24)
        async with self._groups.sessions.begin() as session:
            person = await self._groups.person(session, group_id, person_id)
            if not person.active:
                raise Conflict("this person's access is revoked; reinstate them first")
            invitation = Invitation(
                group_id=group_id,
                person_id=person_id,
                code_hash=hash_code(code),
                person_version=person.token_version,
                created_by=actor.actor,
                expires_at=utcnow() + timedelta(seconds=ttl_seconds),
            )
            session.add(invitation)
            await session.flush()
            audit.record(
                session,
                actor,
                "invitation.issue",
                f"invitation:{invitation.id}",
                group_id=group_id,
                person_id=person_id,
                ttl_seconds=ttl_seconds,
            )
            issued = schemas.Invitation.of(invitation)
            return schemas.IssuedInvitation(**dict(issued), code=code)

    async def revoke_invitation(
        self, actor: Principal, group_id: int, invitation_id: int
    ) -> schemas.Invitation:
        require(actor, Action.MANAGE_INVITATIONS, group_id)
        async with self._groups.sessions.begin() as session:
            invitation = await session.get(Invitation, invitation_id)
            if invitation is None or invitation.group_id != group_id:
                raise NotFound(f"no invitation {invitation_id} in this working group")
            if invitation.revoked_at is None:
                invitation.revoked_at = utcnow()
                audit.record(
                    session,
                    actor,
                    "invitation.revoke",
                    f"invitation:{invitation_id}",
                    group_id=group_id,
                    person_id=invitation.person_id,
                )
            result = schemas.Invitation.of(invitation)
        await self._groups.notify(AccessChange(invitation.person_id, invitation_id))
        return result

    async def list_invitations(self, actor: Principal, group_id: int) -> list[schemas.Invitation]:
        require(actor, Action.MANAGE_INVITATIONS, group_id)
        async with self._groups.sessions() as session:
            rows = await session.scalars(
                select(Invitation).where(Invitation.group_id == group_id).order_by(Invitation.id)
            )
            return [schemas.Invitation.of(i) for i in rows]

    async def invitation_holder(self, code: str) -> Person:
        """Whom a link would sign in, without using it up (a confirmation page)."""
        async with self._groups.sessions() as session:
            person, invitation = await self._valid(session, code)
            if self._single_use and invitation.redeemed_at is not None:
                raise _used()
            return person

    async def redeem_invitation(self, code: str) -> tuple[Person, Invitation]:
        """Open a link: the person it signs in, and the invitation (for the token).

        ``Unauthenticated`` for an unknown, expired or revoked link or a revoked
        person; ``InvitationUsed`` (410) for a single-use link opened before.
        """
        async with self._groups.sessions.begin() as session:
            person, invitation = await self._valid(session, code)
            first_use = Invitation.redeemed_at.is_(None)
            claimed = await session.scalar(
                update(Invitation)
                .where(Invitation.id == invitation.id, first_use)
                .values(redeemed_at=utcnow())
                .returning(Invitation.id)
                .execution_options(synchronize_session=False)
            )
            if claimed is None and self._single_use:
                raise _used()
            return person, invitation

    async def _valid(self, session: AsyncSession, code: str) -> tuple[Person, Invitation]:
        invitation = await session.scalar(
            select(Invitation).where(Invitation.code_hash == hash_code(code))
        )
        if invitation is None or not is_live(invitation):
            raise Unauthenticated("this invitation link is invalid, expired or revoked")
        person = await session.get(Person, invitation.person_id)
        if person is None or not person.active or person.token_version != invitation.person_version:
            raise Unauthenticated("the access this invitation gave has been revoked")
        return person, invitation


def _used() -> InvitationUsed:
    return InvitationUsed("this invitation link has already been used: ask for a new one")
