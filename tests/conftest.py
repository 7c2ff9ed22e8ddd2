"""Fixtures every test package shares: settings on a temporary data directory, a real
server on a free port (SQLite, or PostgreSQL with ``pg_server``), an API client and a
built working group.

A module whose tests need other settings overrides ``settings`` (e.g.
``return settings.with_(revalidate_seconds=0.2)``); one whose group documents must
start empty overrides ``seed_text`` to return None.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from server.settings import Settings
from tests.support.groups import SEED_TEXT, Api, Group, build_group
from tests.support.servers import RunningServer, serve_in_process
from tests.support.services import fresh_postgres_database


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        secret="test-secret",
        room_linger_seconds=0.05,
        awareness_tick_seconds=0.005,
    )


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    async with fresh_postgres_database() as url:
        yield url


@pytest.fixture
async def server(settings: Settings) -> AsyncIterator[RunningServer]:
    async with serve_in_process(settings) as running:
        yield running


@pytest.fixture
async def pg_server(settings: Settings, postgres_url: str) -> AsyncIterator[RunningServer]:
    """``server`` on a fresh PostgreSQL database (mark its tests ``postgres``)."""
    async with serve_in_process(settings.with_(database_url=postgres_url)) as running:
        yield running


@pytest.fixture
async def api(server: RunningServer) -> AsyncIterator[Api]:
    """A JSON client of ``server``'s HTTP API."""
    async with Api.open(server.url) as client:
        yield client


@pytest.fixture
def seed_text() -> str | None:
    """What ``group``'s two documents start with (None: empty)."""
    return SEED_TEXT


@pytest.fixture
async def group(server: RunningServer, api: Api, seed_text: str | None) -> Group:
    """A working group on ``server``: one person per role, a public and a private document."""
    return await build_group(api, server.token("chair", "op"), seed_text=seed_text)
