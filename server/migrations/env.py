"""Alembic environment for rollingtext (async engines).

Two ways in:

* programmatic (``server.storage.migrate.upgrade``): an open sync-facade
  ``Connection`` is passed in ``config.attributes["connection"]`` and used as is;
* command line (``alembic -c server/migrations/alembic.ini upgrade head``): the
  URL comes from ``sqlalchemy.url`` if set, else from the server settings
  (``DATABASE_URL``, or the embedded SQLite file), and an async engine is run
  with ``connection.run_sync``.
"""

from __future__ import annotations

import asyncio
import logging.config

from alembic import context
from sqlalchemy.engine import Connection

from server.models import Base
from server.settings import Settings
from server.storage.engine import create_engine

config = context.config
target_metadata = Base.metadata

if config.config_file_name is not None and config.attributes.get("connection") is None:
    logging.config.fileConfig(config.config_file_name, disable_existing_loggers=False)


def _run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things; batch mode rewrites tables instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _database_url() -> str:
    return config.get_main_option("sqlalchemy.url") or Settings.from_env().database_url_resolved


async def _run_async() -> None:
    engine = create_engine(_database_url())
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_run_on)
    finally:
        await engine.dispose()


def run_migrations_offline() -> None:
    context.configure(
        url=_database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_on(connection)
    else:
        asyncio.run(_run_async())


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
