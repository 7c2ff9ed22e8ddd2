"""Real PostgreSQL and Redis for tests: a fresh database per test, loud skips, CI failures.

Under ``CI=true`` a missing service fails the test; elsewhere it is skipped with
the reason printed, never silently.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import pytest

POSTGRES_ADMIN_URL = os.environ.get(
    "ROLLINGTEXT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def unavailable(what: str, exc: BaseException) -> None:
    reason = f"{what} is not reachable ({exc!r}); set ROLLINGTEXT_TEST_POSTGRES_URL or start it"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true and {reason}")
    pytest.skip(reason)


@asynccontextmanager
async def fresh_postgres_database() -> AsyncIterator[str]:
    """Create an empty database, yield its SQLAlchemy (asyncpg) URL, drop it afterwards."""
    name = f"rt_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        unavailable("PostgreSQL", exc)
        raise
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    try:
        yield f"{base}/{name}"
    finally:
        admin = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=5)
        try:
            await admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name
            )
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        finally:
            await admin.close()


REDIS_URL = os.environ.get("ROLLINGTEXT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


async def require_redis() -> str:
    """The test Redis URL; skip loudly (or fail under CI=true) if it is not reachable."""
    import redis.asyncio as redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        await client.ping()
    except Exception as exc:
        unavailable("Redis", exc)
    finally:
        await client.aclose()
    return REDIS_URL
