"""Creation of the async SQLAlchemy engine for SQLite (embedded) or PostgreSQL.

SQLite gets its durability and concurrency pragmas on every pooled connection;
PostgreSQL gets a pool that survives server restarts (pre-ping, recycling).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

SQLITE_SYNCHRONOUS_MODES = frozenset({"OFF", "NORMAL", "FULL", "EXTRA"})


def normalize_url(url: str | URL) -> URL:
    """Map the URL spellings operators use onto the async drivers we ship.

    ``postgres://`` / ``postgresql://`` (as PaaS platforms hand out) become
    ``postgresql+asyncpg://``; ``sqlite://`` becomes ``sqlite+aiosqlite://``.
    """
    parsed = make_url(url) if isinstance(url, str) else url
    if parsed.drivername in ("postgres", "postgresql"):
        return parsed.set(drivername="postgresql+asyncpg")
    if parsed.drivername == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite")
    return parsed


def _is_memory_sqlite(url: URL) -> bool:
    database = url.database or ""
    return database in ("", ":memory:") or database.startswith("file::memory:")


def create_engine(
    url: str | URL,
    *,
    sqlite_synchronous: str = "FULL",
    sqlite_busy_timeout_ms: int = 5000,
    **engine_kwargs: Any,
) -> AsyncEngine:
    """Create an :class:`AsyncEngine` for ``url`` (SQLite file or PostgreSQL).

    SQLite: the parent directory of the database file is created, and every new
    connection runs ``busy_timeout``, ``journal_mode=WAL`` (readers never block
    the writer), ``synchronous=<sqlite_synchronous>`` (FULL: an acknowledged
    update survives power loss) and ``foreign_keys=ON`` (cascading deletes).

    PostgreSQL (asyncpg): a bounded pool with ``pool_pre_ping`` so connections
    broken by a database restart are replaced instead of failing a write.

    Extra keyword arguments are passed to :func:`create_async_engine`.
    """
    parsed = normalize_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        synchronous = sqlite_synchronous.upper()
        if synchronous not in SQLITE_SYNCHRONOUS_MODES:
            raise ValueError(
                f"sqlite_synchronous must be one of {sorted(SQLITE_SYNCHRONOUS_MODES)}"
            )
        busy_ms = int(sqlite_busy_timeout_ms)
        if not _is_memory_sqlite(parsed):
            assert parsed.database is not None
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(parsed, **engine_kwargs)

        @event.listens_for(engine.sync_engine, "connect")
        def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            try:
                # busy_timeout first: switching to WAL may need to wait for a lock.
                cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute(f"PRAGMA synchronous={synchronous}")
                cursor.execute("PRAGMA foreign_keys=ON")
            finally:
                cursor.close()

        return engine
    if backend == "postgresql":
        options: dict[str, Any] = {
            "pool_pre_ping": True,
            "pool_size": 10,
            "max_overflow": 10,
            # Below typical proxy/firewall idle cut-offs.
            "pool_recycle": 1800,
        }
        options.update(engine_kwargs)
        return create_async_engine(parsed, **options)
    return create_async_engine(parsed, **engine_kwargs)
