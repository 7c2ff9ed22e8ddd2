"""Small SQL building blocks shared by the writer and the store.

Everything here runs on an open :class:`AsyncConnection` so callers decide the
transaction boundaries. Upserts use ``INSERT ... ON CONFLICT DO NOTHING`` (both
PostgreSQL and SQLite support it), which is what makes document creation
race-safe across tasks and processes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from server.errors import BadInput
from server.storage.models import MAX_NAME_LENGTH, Document, utcnow

# Ids per DELETE ... WHERE id IN (...): far below SQLite's and asyncpg's bind limits.
DELETE_CHUNK = 500


def check_name(name: str) -> str:
    """Reject document names the schema cannot store, before they reach the database."""
    if not isinstance(name, str) or not name or len(name) > MAX_NAME_LENGTH:
        raise BadInput(
            f"document name must be 1..{MAX_NAME_LENGTH} characters", name=str(name)[:200]
        )
    return name


def upsert_insert(connection: AsyncConnection, table: Any) -> Any:
    """A dialect-specific ``INSERT`` construct that supports ``on_conflict_do_*``."""
    dialect = connection.dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"unsupported database dialect: {dialect}")


async def find_document_id(connection: AsyncConnection, name: str) -> int | None:
    """The id of document ``name``, or None if it does not exist."""
    result = await connection.execute(select(Document.id).where(Document.name == name))
    value = result.scalar_one_or_none()
    return None if value is None else int(value)


async def ensure_document_id(connection: AsyncConnection, name: str) -> int:
    """Create document ``name`` unless it exists and return its id.

    Must be the first statement of a SQLite write transaction (or follow only
    other writes) so the write lock is taken with the busy handler, not by
    upgrading a stale read snapshot.
    """
    statement = (
        upsert_insert(connection, Document)
        .values(name=name, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["name"])
    )
    await connection.execute(statement)
    document_id = await find_document_id(connection, name)
    assert document_id is not None, "row inserted or already present in this transaction"
    return document_id


def chunks(values: Sequence[int], size: int = DELETE_CHUNK) -> Iterator[Sequence[int]]:
    """Consecutive slices of ``values`` of at most ``size`` items."""
    for start in range(0, len(values), size):
        yield values[start : start + size]
