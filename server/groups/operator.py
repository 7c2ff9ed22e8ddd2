"""The operator's side of the access model: what ``rollingtext`` CLI commands act through.

An operator runs commands on the server's machine with the server's settings, so
the CLI opens the same database (migrated to head first), and acts as one
unscoped officer principal through the same services as the HTTP API: quotas,
validation, state transitions and the audit log apply unchanged.

A change made here reaches a running server's *new* requests and connections at
once (every token is re-checked against the database on use); connections that
are already open learn about a revocation only when they reconnect, because the
access-change hook lives in the server process.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from crdt import updates
from server import audit
from server.auth.principal import Principal
from server.auth.tokens import Role, TokenSigner
from server.contract.routes import field_errors
from server.errors import Conflict, NotFound
from server.groups import schemas
from server.groups.documents import GroupDocuments
from server.groups.invitations import InvitationService
from server.groups.models import Person
from server.groups.observers import ObserverService
from server.groups.service import GroupService
from server.settings import Settings
from server.storage import DocumentStore, create_engine, upgrade
from server.validation import ValidationFailed

# Who the audit log names for everything done from the command line.
OPERATOR = Principal(name="cli", role=Role.SECRETARIAT)


@dataclass
class Operator:
    """Open services on the server's database, acting as ``principal``."""

    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    groups: GroupService
    observers: ObserverService
    invitations: InvitationService
    documents: GroupDocuments
    signer: TokenSigner
    logger: logging.Logger
    principal: Principal = OPERATOR

    async def group_id(self, slug: str) -> int:
        return await self.groups.group_id(slug)

    async def delegation(self, group_id: int, name: str) -> schemas.Delegation:
        """The delegation called ``name`` (case-insensitive) in the group."""
        delegations = await self.groups.list_delegations(self.principal, group_id)
        for delegation in delegations:
            if delegation.name.casefold() == name.strip().casefold():
                return delegation
        known = ", ".join(d.name for d in delegations) or "none yet"
        raise NotFound(f"no delegation {name!r} in this working group (known: {known})")

    def invitation_url(self, base_url: str, code: str) -> str:
        return f"{base_url.rstrip('/')}/invite/{code}"

    async def person_token(
        self, person_id: int, ttl_seconds: int | None = None
    ) -> schemas.PersonToken:
        """A signed token for one person, bound to their current token version.

        It is checked on every use like a session from an invitation: revoking the
        person or changing their role ends it. Issuing one is recorded in the audit log.
        """
        ttl = ttl_seconds or self.settings.default_token_ttl_seconds
        async with self.sessions.begin() as session:
            person = await session.get(Person, person_id)
            if person is None:
                raise NotFound(f"no person {person_id}")
            if not person.active:
                raise Conflict("this person's access is revoked; reinstate them first")
            token = self.signer.issue(
                person.name,
                Role(person.role),
                ttl,
                person_id=person.id,
                group_id=person.group_id,
                version=person.token_version,
            )
            audit.record(
                session,
                self.principal,
                "token.issue",
                f"person:{person.id}",
                group_id=person.group_id,
                ttl_seconds=ttl,
            )
            return schemas.PersonToken(
                token=token,
                person_id=person.id,
                group_id=person.group_id,
                role=Role(person.role),
                name=person.name,
                ttl_seconds=ttl,
            )

    async def people_by_role(self, group_id: int, role: Role) -> list[Person]:
        """Active people of the group holding ``role``, oldest first."""
        async with self.sessions() as session:
            rows = await session.scalars(
                select(Person)
                .where(Person.group_id == group_id, Person.role == role.value, Person.active)
                .order_by(Person.id)
            )
            return list(rows)

    @asynccontextmanager
    async def document_store(self) -> AsyncIterator[DocumentStore]:
        """The document store on this engine, for writing documents' content."""
        async with DocumentStore(self.engine, logger=self.logger, merge=updates.merge) as store:
            yield store


@asynccontextmanager
async def open_operator(
    settings: Settings, *, logger: logging.Logger | None = None
) -> AsyncIterator[Operator]:
    """Migrate the database to head, then yield an :class:`Operator` on it."""
    log = logger or logging.getLogger("rollingtext.cli")
    engine = create_engine(
        settings.database_url_resolved, sqlite_synchronous=settings.sqlite_synchronous
    )
    try:
        await upgrade(engine, logger=log)
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        groups = GroupService(sessions, logger=log)
        yield Operator(
            settings=settings,
            engine=engine,
            sessions=sessions,
            groups=groups,
            observers=ObserverService(groups),
            invitations=InvitationService(groups, single_use=settings.invitation_single_use),
            documents=GroupDocuments(groups),
            signer=TokenSigner(settings.secret_resolved()),
            logger=log,
        )
    finally:
        await engine.dispose()


Request = TypeVar("Request", bound=BaseModel)


def validated(model: type[Request], **values: Any) -> Request:
    """CLI arguments checked by the HTTP API's own request ``model`` (``None``: not
    given, the model's default applies). Raises ``ValidationFailed`` naming every bad
    field, before anything is written, exactly as the API would answer."""
    given = {name: value for name, value in values.items() if value is not None}
    try:
        return model.model_validate(given, strict=False)
    except ValidationError as exc:
        raise ValidationFailed(field_errors(exc)) from exc
