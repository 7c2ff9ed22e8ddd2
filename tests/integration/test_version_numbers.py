"""Version numbers are unique per document even across processes: two revision services
(each with its own in-process lock, as two server processes have) issuing versions of
one document at once on PostgreSQL each get distinct consecutive numbers; the loser
of a race retries with the next number instead of failing."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker

from crdt import schema, updates
from server.auth.principal import Principal
from server.auth.tokens import Role
from server.revisions import schemas
from server.revisions.service import RevisionService
from server.rooms.manager import RoomManager
from server.settings import Settings
from server.storage import DocumentStore, create_engine, upgrade
from tests.support.services import fresh_postgres_database

LOG = logging.getLogger("test_version_numbers")
OPERATOR = Principal(name="cli", role=Role.SECRETARIAT)


@pytest.mark.postgres
async def test_two_processes_number_versions_once(tmp_path: Path) -> None:
    async with fresh_postgres_database() as url:
        engine = create_engine(url)
        try:
            await upgrade(engine, logger=LOG)
            store = DocumentStore(engine, logger=LOG, merge=updates.merge)
            settings = Settings(data_dir=tmp_path)
            async with store, RoomManager(store, settings, LOG) as rooms:
                await store.ensure("doc")
                await rooms.apply(
                    "doc", lambda d: schema.add_paragraph(d, schema.ParagraphSpec("OP1", "A"))
                )
                sessions = async_sessionmaker(engine, expire_on_commit=False)
                a, b = (RevisionService(sessions, rooms=rooms, logger=LOG) for _ in range(2))
                made = await asyncio.gather(
                    *(
                        service.issue(OPERATOR, "doc", schemas.VersionCreate(label=f"v{i}"))
                        for i in range(5)
                        for service in (a, b)
                    )
                )
                assert sorted(v.number for v in made) == list(range(1, 11))
                assert all(v.paragraphs == 1 for v in made)
                listed = await a.list_versions(OPERATOR, "doc")
                assert [v.number for v in listed.versions] == list(range(1, 11))
        finally:
            await engine.dispose()
