"""The diff reports exactly what random edit scripts by several people did, and who
did it, through the real storage path: every edit is one update appended to a real
``DocumentStore`` (SQLite) as its author, so the client-id owners and the first
deleters are recorded by the group-commit writer exactly as for live clients; the
diff is the service's (``compare.document_diff``: item-level walk, then the
attribution read back from ``document_clients`` and ``document_deletions``)."""

from __future__ import annotations

import asyncio
import logging
import uuid
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from crdt import updates
from server.auth.access import DocumentRef
from server.revisions import compare, schemas
from server.storage import Author, DocumentStore, create_engine, upgrade
from server.storage.models import Document, utcnow
from tests.support.revisions import Edit, Script, check_diff, scripts

LOG = logging.getLogger("test_diff_property")


def side(number: int | None, state: bytes) -> schemas.VersionState:
    return schemas.VersionState(number, f"v{number}", utcnow(), state)


def test_the_diff_reports_what_each_person_did_through_the_store(tmp_path: Path) -> None:
    loop = asyncio.new_event_loop()
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'diff.db'}")
    store = DocumentStore(engine, logger=LOG, merge=updates.merge)
    sessions = async_sessionmaker(engine, expire_on_commit=False)

    async def play(before: list[Edit], between: list[Edit]) -> None:
        name = f"doc-{uuid.uuid4().hex[:10]}"
        await store.ensure(name)

        async def send(update: bytes, author: Author) -> None:
            await store.append(name, update, author=author)

        script = Script(send)
        await script.setup()
        await script.run(before)
        older = script.state()
        await script.run(between)
        newer = script.state()
        async with sessions() as db:
            doc_id = await db.scalar(select(Document.id).where(Document.name == name))
        assert doc_id is not None
        got = await compare.document_diff(
            sessions, DocumentRef(doc_id, name, None), side(1, older), side(None, newer)
        )
        check_diff(script, older, newer, list(got.paragraphs))
        s = got.summary
        assert s.inserted == sum(
            len(g.text) for p in got.paragraphs for g in p.segments if g.op == "insert"
        )
        assert s.changed == sum(1 for p in got.paragraphs if p.changes)

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(scripts)
    def check(edits: tuple[list[Edit], list[Edit]]) -> None:
        loop.run_until_complete(play(*edits))

    async def start() -> None:
        await upgrade(engine, logger=LOG)
        await store.__aenter__()

    async def stop() -> None:
        await store.__aexit__(None, None, None)
        await engine.dispose()

    loop.run_until_complete(start())
    try:
        check()
    finally:
        loop.run_until_complete(stop())
        loop.close()
