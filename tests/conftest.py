"""Fixtures: settings on a temporary data directory, a real server on a free port."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from server.settings import Settings
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
