"""Where the outputs get a document's state at version N (or now) from.

The revisions domain owns versions: ``RevisionService.state(actor, document, number)``
returns a ``VersionState`` and checks the document's read rule. Outputs depend only
on the ``StateSource`` shape, so the app passes that method. ``stored_states`` is the
stand-in used where the revisions service is not wired: now is the live document
(``RoomManager.document``, as a session's end freezes it) and version N is the
document's N-th stored version in creation order.
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crdt import updates
from server.auth.access import readable_document
from server.auth.principal import Principal
from server.errors import NotFound
from server.rooms.manager import RoomManager
from server.sessions.models import DocumentVersion


@dataclass(frozen=True)
class VersionState:
    """A document's full Yjs state at version ``number`` (None: now)."""

    number: int | None
    label: str
    created_at: datetime | None  # None for now: the caller's clock says when
    state: bytes


class StateSource(Protocol):
    """The state of ``document`` at version ``number`` (None: now) if ``actor`` may
    read the document: Forbidden / NotFound otherwise."""

    def __call__(
        self, actor: Principal, document: str, number: int | None
    ) -> Awaitable[VersionState]: ...


def stored_states(sessions: async_sessionmaker[AsyncSession], rooms: RoomManager) -> StateSource:
    """A ``StateSource`` over the live rooms and the ``document_versions`` rows."""

    async def state(actor: Principal, document: str, number: int | None) -> VersionState:
        async with sessions() as db:
            await readable_document(db, actor, document)
            if number is None:
                doc = await rooms.document(document)
                live = updates.EMPTY_UPDATE if doc is None else doc.get_update()
                return VersionState(None, "current text", None, live)
            row = (
                await db.scalars(
                    select(DocumentVersion)
                    .where(DocumentVersion.document == document)
                    .order_by(DocumentVersion.id)
                    .offset(number - 1)
                    .limit(1)
                )
            ).first()
        if row is None:
            raise NotFound(f"{document!r} has no version {number}")
        return VersionState(number, row.label, row.created_at, row.state)

    return state
