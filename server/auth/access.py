"""Resolve tokens to current principals and decide who may open which document.

Every connection and request goes through here, so a revoked person, a changed
role or a revoked invitation takes effect on the next check, whatever the token
says. Operator tokens (no person) keep their signed role.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from server.auth.permissions import Action, allowed, can, require
from server.auth.principal import Principal
from server.auth.tokens import Role, TokenSigner
from server.errors import Forbidden, NotFound, Unauthenticated
from server.groups.models import GroupDocument, Invitation, Person, WorkingGroup
from server.storage.models import Document, utcnow


@dataclass(frozen=True)
class DocumentRef:
    """A document a command works on: its row id, name and working group (None: ad hoc)."""

    id: int
    name: str
    group_id: int | None


@dataclass(frozen=True)
class DocumentGrant:
    principal: Principal
    # Operator writers may create ad-hoc documents outside any group.
    create: bool
    group_id: int | None


class AccessPolicy:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], signer: TokenSigner) -> None:
        self._sessions = sessions
        self._signer = signer

    async def principal(self, token: str | None) -> Principal | None:
        """The principal a token stands for now; None without a token."""
        if token is None:
            return None
        claims = self._signer.verify(token)
        if claims.person_id is None:
            return Principal.operator(claims)
        current = await self._current(claims.person_id, claims.invitation_id, claims.version)
        if current is None:
            raise Unauthenticated(
                "this sign-in has been revoked (or its invitation was); ask for a new invitation"
            )
        return current

    async def refresh(self, principal: Principal) -> Principal | None:
        """Re-check a connected principal; None if its access is gone."""
        if principal.person_id is None:
            return principal
        return await self._current(
            principal.person_id, principal.invitation_id, principal.token_version
        )

    async def _current(
        self, person_id: int, invitation_id: int | None, version: int | None
    ) -> Principal | None:
        """The person as now, if still admitted under this token version and invitation.

        A revocation bumps the version, so a connection from before it stays dead
        even if the person is reinstated before the next periodic check.
        """
        async with self._sessions() as session:
            person = await session.get(Person, person_id)
            if person is None or not person.active or person.token_version != version:
                return None
            if invitation_id is not None:
                invitation = await session.get(Invitation, invitation_id)
                if invitation is None or invitation.revoked_at is not None:
                    return None
            return Principal(
                name=person.name,
                role=Role(person.role),
                group_id=person.group_id,
                person_id=person.id,
                invitation_id=invitation_id,
                token_version=person.token_version,
            )

    async def group_is_public(self, group_id: int) -> bool:
        async with self._sessions() as session:
            group = await session.get(WorkingGroup, group_id)
            return bool(group and group.public_follow)

    async def open_document(self, token: str | None, name: str) -> DocumentGrant:
        """Who may open document ``name`` with this token, or the error to report."""
        principal = await self.principal(token)
        async with self._sessions() as session:
            row = (
                await session.execute(
                    select(GroupDocument, WorkingGroup.public_follow)
                    .join(Document, Document.id == GroupDocument.document_id)
                    .join(WorkingGroup, WorkingGroup.id == GroupDocument.group_id)
                    .where(Document.name == name)
                )
            ).first()
            exists = (
                row is not None
                or (await session.execute(select(Document.id).where(Document.name == name))).first()
                is not None
            )
        if row is None:
            # A document of no group: only operator tokens (ad-hoc drafting, bots).
            if principal is None:
                raise Unauthenticated("a token is required")
            if not principal.is_operator or principal.group_id is not None:
                raise NotFound(f"no document named {name!r} in your working group")
            writer = can(principal, Action.EDIT_TEXT)
            if not exists and not writer:
                raise NotFound(f"no document named {name!r}")
            return DocumentGrant(principal, create=writer, group_id=None)
        grant, public_follow = row
        if principal is None:
            if public_follow and grant.public:
                return DocumentGrant(
                    Principal.anonymous_follower(grant.group_id), False, grant.group_id
                )
            raise Unauthenticated("this document is not public: sign in to follow it")
        if not allowed(principal, Action.READ_TEXT, grant.group_id):
            raise Forbidden("this document belongs to another working group")
        if not grant.public and not can(principal, Action.READ_PRIVATE_DOCUMENTS):
            raise Forbidden("this document is not public")
        return DocumentGrant(principal, create=False, group_id=grant.group_id)


async def readable_document(db: AsyncSession, actor: Principal, name: str) -> DocumentRef:
    """The document if ``actor`` may read it, in the caller's transaction.

    The rules of ``AccessPolicy.open_document`` for a known principal; the comment and
    governance commands share it so the two domains cannot drift apart on who reads what.
    """
    row = (
        await db.execute(
            select(Document.id, GroupDocument.group_id, GroupDocument.public)
            .outerjoin(GroupDocument, GroupDocument.document_id == Document.id)
            .where(Document.name == name)
        )
    ).first()
    if row is None:
        raise NotFound(f"no document named {name!r}")
    doc_id, group_id, public = row
    if group_id is None:
        if not actor.is_operator or actor.group_id is not None:
            raise NotFound(f"no document named {name!r} in your working group")
    else:
        require(actor, Action.READ_TEXT, group_id)
        if not public and not can(actor, Action.READ_PRIVATE_DOCUMENTS):
            raise Forbidden("this document is not public")
    return DocumentRef(int(doc_id), name, group_id)


def is_live(invitation: Invitation, now: datetime | None = None) -> bool:
    return invitation.revoked_at is None and invitation.expires_at > (now or utcnow())
