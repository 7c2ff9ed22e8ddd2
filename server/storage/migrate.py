"""Run the Alembic migrations to head programmatically (server start-up).

The same ``server/migrations`` scripts serve operators running
``alembic -c server/migrations/alembic.ini upgrade head``; here we hand Alembic an
already-open connection (``connection.run_sync``) so no second engine or event
loop is needed.
"""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import URL, Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from server.storage.engine import create_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"

# Arbitrary constant: serialises concurrent start-ups migrating one PostgreSQL db.
_PG_MIGRATION_LOCK_KEY = 0x726F6C6C  # "roll"


def alembic_config() -> Config:
    """An Alembic config pointing at ``server/migrations`` (no ini file needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def _upgrade_on(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


async def upgrade(
    target: AsyncEngine | str | URL,
    *,
    revision: str = "head",
    logger: logging.Logger | None = None,
) -> None:
    """Migrate the database behind ``target`` (an engine or a URL) to ``revision``.

    Idempotent: already at head means nothing is done. With a URL a temporary
    engine is created and disposed; with an engine the caller keeps ownership.
    On PostgreSQL a transaction-scoped advisory lock makes simultaneous start-ups
    of several server processes migrate one after the other.
    """
    log = logger or logging.getLogger(__name__)
    if isinstance(target, AsyncEngine):
        engine, owned = target, False
    else:
        engine, owned = create_engine(target), True
    try:
        async with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                await connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK_KEY}
                )
            await connection.run_sync(_upgrade_on, revision)
        log.info("database schema at revision %s (%s)", revision, engine.url.get_backend_name())
    finally:
        if owned:
            await engine.dispose()
