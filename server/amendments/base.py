"""What every amendment command shares: the document, the amendment a caller may
see, the live document, and announcing changes (each peer as its role may see them)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import pycrdt
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crdt import updates
from server.amendments import schemas
from server.amendments.format import models, visibility
from server.amendments.live import AmendmentPublisher, Change, Visibility
from server.amendments.models import Amendment, AmendmentStance
from server.auth.access import DocumentRef, readable_document
from server.auth.principal import Principal
from server.errors import NotFound
from server.paragraphs.proposals import GovernanceService
from server.ratelimit import RateLimiter
from server.rooms.manager import RoomManager

Affiliation = Callable[[int], Awaitable[str | None]]
Changes = list[tuple[Amendment, Visibility | None, Visibility | None]]


class AmendmentBase:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        rooms: RoomManager,
        hub: AmendmentPublisher,
        governance: GovernanceService,
        logger: logging.Logger,
        affiliation: Affiliation | None = None,
        limiter: RateLimiter | None = None,
    ) -> None:
        self._sessions = sessions
        self._rooms = rooms
        self.hub = hub
        # Deciding writes the text through the paragraphs' governance path: one
        # lock per document, a decision row with the session, audited, announced.
        self._governance = governance
        self._log = logger
        self._affiliation = affiliation
        self.limiter = limiter or RateLimiter(30, 30, what="amendments")

    async def _document(self, db: AsyncSession, actor: Principal, name: str) -> DocumentRef:
        return await readable_document(db, actor, name)

    async def _visible(
        self, db: AsyncSession, actor: Principal, d: DocumentRef, amendment_id: int
    ) -> Amendment:
        """The amendment; 404 unless ``actor`` may see it."""
        found = await db.get(Amendment, amendment_id)
        if found is None or found.document_id != d.id or not visibility(found).seen_by(actor):
            raise NotFound(f"no amendment {amendment_id} on {d.name!r}", id=amendment_id)
        return found

    async def _ydoc(self, name: str) -> pycrdt.Doc[Any]:
        doc = await self._rooms.document(name)
        return doc if doc is not None else updates.new_doc()

    async def _delegation(self, actor: Principal) -> str | None:
        """The delegation (an observer: the organisation) ``actor`` speaks for."""
        if actor.person_id is None or self._affiliation is None:
            return None
        return await self._affiliation(actor.person_id)

    async def _models(self, name: str, rows: Sequence[Amendment]) -> list[schemas.Amendment]:
        if not rows:
            return []
        async with self._sessions() as db:
            stances = (
                await db.scalars(
                    select(AmendmentStance)
                    .where(AmendmentStance.amendment_id.in_([a.id for a in rows]))
                    .order_by(AmendmentStance.id)
                )
            ).all()
        return models(await self._ydoc(name), name, rows, stances)

    async def _announce(self, name: str, changes: Changes) -> list[schemas.Amendment]:
        """Tell every peer what changed (as it may see it); the changed amendments."""
        made = await self._models(name, [a for a, _, _ in changes])
        await self._publish(name, changes, made)
        return made

    async def _announce_read(
        self, name: str, changes: Changes, stances: Sequence[AmendmentStance]
    ) -> list[schemas.Amendment]:
        """``_announce`` with the stances already read (no database round trip)."""
        made = models(await self._ydoc(name), name, [a for a, _, _ in changes], stances)
        await self._publish(name, changes, made)
        return made

    async def _publish(self, name: str, changes: Changes, made: list[schemas.Amendment]) -> None:
        await self.hub.publish(
            name,
            [
                Change(m.model_dump(mode="json"), before, after)
                for m, (_, before, after) in zip(made, changes, strict=True)
            ],
        )
