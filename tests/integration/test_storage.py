"""Integration tests of ``server.storage`` against real SQLite and PostgreSQL.

No mocks: every test runs on a fresh SQLite file and on a fresh PostgreSQL
database (created per test, dropped afterwards). PostgreSQL comes from
``ROLLINGTEXT_TEST_POSTGRES_URL``; if it is unreachable the PostgreSQL variants are
skipped loudly, or fail when ``CI=true``.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pycrdt
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from server.errors import BadInput, Unavailable
from server.models import Base
from server.storage import (
    DocumentStore,
    StoredDocument,
    create_engine,
    upgrade,
)
from server.storage.migrate import alembic_config
from tests.support.services import fresh_postgres_database

LOG = logging.getLogger("tests.storage")


def merge(parts: Sequence[bytes]) -> bytes:
    return pycrdt.merge_updates(*parts)


# --------------------------------------------------------------------- fixtures


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def db_url(request: pytest.FixtureRequest, tmp_path: Any) -> AsyncIterator[str]:
    """A URL of an empty database: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        # A directory that does not exist yet: create_engine must create it.
        yield f"sqlite+aiosqlite:///{tmp_path / 'data' / 'rollingtext.db'}"
        return
    async with fresh_postgres_database() as url:
        yield url


@asynccontextmanager
async def open_store(
    url: str,
    *,
    logger: logging.Logger = LOG,
    engine_options: dict[str, Any] | None = None,
    **store_options: Any,
) -> AsyncIterator[DocumentStore]:
    """A migrated database and an open store on its own engine (one "process")."""
    engine = create_engine(url, **(engine_options or {}))
    try:
        await upgrade(engine)
        async with DocumentStore(engine, logger=logger, merge=merge, **store_options) as store:
            yield store
    finally:
        await engine.dispose()


class SourceDoc:
    """A pycrdt document whose every edit yields one update to store."""

    def __init__(self) -> None:
        self.doc = pycrdt.Doc()
        self.text = self.doc.get("t", type=pycrdt.Text)
        self.updates: list[bytes] = []
        self.doc.observe(lambda event: self.updates.append(event.update))

    def edit(self, count: int) -> list[bytes]:
        start = len(self.updates)
        for i in range(count):
            self.text.insert(len(self.text) // 2, f"<{start + i}>")
        return self.updates[start:]

    def __str__(self) -> str:
        return str(self.text)


def render(stored: StoredDocument | None) -> str:
    """The text a client would see after loading ``stored``."""
    assert stored is not None
    doc = pycrdt.Doc()
    text_ = doc.get("t", type=pycrdt.Text)
    if stored.snapshot is not None:
        doc.apply_update(stored.snapshot)
    for update in stored.updates:
        doc.apply_update(update)
    return str(text_)


class LogSignal(logging.Handler):
    """Collects records at ``level`` and sets ``event`` once ``count`` arrived."""

    def __init__(self, level: int, count: int = 1) -> None:
        super().__init__(level)
        self.count = count
        self.records: list[logging.LogRecord] = []
        self.event = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno == self.level:
            self.records.append(record)
            if len(self.records) >= self.count:
                self.event.set()


def signalling_logger(level: int, count: int = 1) -> tuple[logging.Logger, LogSignal]:
    logger = logging.getLogger(f"tests.storage.{secrets.token_hex(4)}")
    signal = LogSignal(level, count)
    logger.addHandler(signal)
    return logger, signal


# ------------------------------------------------------------------------ tests


async def test_upgrade_creates_exactly_the_model_tables_and_is_idempotent(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        await upgrade(engine)
        async with engine.connect() as conn:
            diff = await conn.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
            )
            tables = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
        assert diff == []
        assert tables == {*Base.metadata.tables, "alembic_version"}

        async with DocumentStore(engine, logger=LOG, merge=merge) as store:
            await store.append("kept", b"\x00\x00")
        await upgrade(engine)  # second run: nothing to do, data untouched
        await upgrade(db_url)  # by URL too (temporary engine)
        async with engine.connect() as conn:
            versions = (await conn.execute(text("SELECT version_num FROM alembic_version"))).all()
            diff = await conn.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
            )
        assert versions == [(ScriptDirectory.from_config(alembic_config()).get_current_head(),)]
        assert diff == []
        async with DocumentStore(engine, logger=LOG, merge=merge) as store:
            stored = await store.load("kept")
        assert stored is not None and stored.updates == [b"\x00\x00"]
    finally:
        await engine.dispose()


async def test_concurrent_appends_are_durable_and_group_committed(db_url: str) -> None:
    source = SourceDoc()
    updates = source.edit(500)
    async with open_store(db_url) as store:
        await asyncio.gather(*(store.append("minutes", u) for u in updates))
        # Second wave while nothing else is queued: still acknowledged.
        more = source.edit(5)
        await asyncio.gather(*(store.append("minutes", u) for u in more))
        stats = store.stats
    assert stats.updates_committed == 505
    assert 1 <= stats.batches_committed < 505 // 10, stats
    assert stats.failed_attempts == 0

    # A new engine and store (another process, after a restart) sees everything.
    async with open_store(db_url) as reopened:
        stored = await reopened.load("minutes")
    assert stored is not None
    assert stored.snapshot is None
    assert len(stored.updates) == 505
    assert render(stored) == str(source)
    assert sorted(stored.updates) == sorted(source.updates)


async def test_compaction_folds_the_log_and_keeps_the_document(db_url: str) -> None:
    source = SourceDoc()
    async with open_store(db_url) as store:
        await asyncio.gather(*(store.append("doc", u) for u in source.edit(100)))
        assert await store.compact("doc") == 100
        info = await store.info("doc")
        assert info is not None and info.pending_updates == 0 and info.snapshot_bytes > 0
        assert await store.compact("doc") == 0  # nothing left to fold

        stored = await store.load("doc")
        assert stored is not None and stored.snapshot is not None and stored.updates == []
        assert render(stored) == str(source)

        for update in source.edit(10):
            await store.append("doc", update)
        assert (await store.load("doc")).updates == source.updates[100:]  # type: ignore[union-attr]
        assert await store.compact("doc") == 10
        assert await store.compact("unknown-doc") == 0
    async with open_store(db_url) as reopened:
        stored = await reopened.load("doc")
    assert stored is not None and stored.updates == []
    assert render(stored) == str(source)


async def test_appends_racing_compactions_in_two_processes_lose_nothing(db_url: str) -> None:
    source = SourceDoc()
    done = asyncio.Event()
    folded: list[int] = []

    async def compactor(store: DocumentStore) -> None:
        while not done.is_set():
            folded.append(await store.compact("race"))
            await asyncio.sleep(0)

    async def appender(store: DocumentStore) -> None:
        for _ in range(20):
            await asyncio.gather(*(store.append("race", u) for u in source.edit(15)))

    async with open_store(db_url) as first, open_store(db_url) as second:
        await first.ensure("race")
        compactors = [
            asyncio.create_task(compactor(first)),
            asyncio.create_task(compactor(second)),
        ]
        await asyncio.gather(appender(first), appender(second))
        done.set()
        await asyncio.gather(*compactors)
        info = await first.info("race")
        assert info is not None
        assert sum(folded) > 0, "compaction never ran concurrently with appends"
        # Every row was folded exactly once or is still pending.
        assert sum(folded) + info.pending_updates == len(source.updates) == 600

    async with open_store(db_url) as reopened:
        assert render(await reopened.load("race")) == str(source)
        await reopened.compact("race")
        stored = await reopened.load("race")
    assert stored is not None and stored.updates == []
    assert render(stored) == str(source)


async def test_ensure_racing_with_itself_creates_one_document(db_url: str) -> None:
    async with open_store(db_url) as first, open_store(db_url) as second:
        assert not await first.exists("agenda")
        await asyncio.gather(
            *(store.ensure("agenda") for _ in range(25) for store in (first, second)),
            *(store.append("agenda", b"\x00\x00") for store in (first, second)),
        )
        documents = await second.list_documents()
        assert [d.name for d in documents] == ["agenda"]
        assert documents[0].pending_updates == 2
        assert await first.exists("agenda") and await second.exists("agenda")


async def test_exit_flushes_appends_still_queued(db_url: str) -> None:
    source = SourceDoc()
    updates = source.edit(300)
    store_cm = open_store(db_url)
    store = await store_cm.__aenter__()
    tasks = [asyncio.create_task(store.append("flush", u)) for u in updates]
    await asyncio.sleep(0)  # let every task queue its update; none can be committed yet
    assert store.queued_updates == 300
    assert store.stats.updates_committed == 0
    await store_cm.__aexit__(None, None, None)

    assert all(t.done() and t.exception() is None for t in tasks)
    with pytest.raises(Unavailable):
        await store.append("flush", updates[0])
    async with open_store(db_url) as reopened:
        stored = await reopened.load("flush")
    assert stored is not None and len(stored.updates) == 300
    assert render(stored) == str(source)


async def test_unknown_documents_info_and_listing(db_url: str) -> None:
    before = datetime.now(UTC) - timedelta(seconds=5)
    async with open_store(db_url) as store:
        assert await store.load("nope") is None
        assert await store.info("nope") is None
        assert not await store.exists("nope")
        assert await store.list_documents() == []
        assert await store.ping()

        await store.ensure("a-empty")
        source = SourceDoc()
        for update in source.edit(3):
            await store.append("b-busy", update)
        await store.compact("b-busy")
        for update in source.edit(2):
            await store.append("b-busy", update)

        empty = await store.info("a-empty")
        busy = await store.info("b-busy")
        listing = await store.list_documents()
        with pytest.raises(BadInput):
            await store.append("x" * 129, b"\x00\x00")
        with pytest.raises(BadInput):
            await store.ensure("")

    assert empty is not None and (empty.pending_updates, empty.snapshot_bytes) == (0, 0)
    assert busy is not None and busy.pending_updates == 2 and busy.snapshot_bytes > 0
    assert [d.name for d in listing] == ["a-empty", "b-busy"]
    assert listing == [empty, busy]
    for info in listing:
        assert info.created_at.tzinfo is not None
        assert before <= info.created_at <= datetime.now(UTC)


class DatabaseBlocker:
    """Holds a lock from another connection so the store's writes fail meanwhile."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        self._sqlite: sqlite3.Connection | None = None
        self._pg: asyncpg.Connection | None = None

    @property
    def engine_options(self) -> dict[str, Any]:
        if self.url.get_backend_name() == "sqlite":
            return {"sqlite_busy_timeout_ms": 20}
        return {"connect_args": {"server_settings": {"lock_timeout": "50"}}}

    async def lock(self) -> None:
        if self.url.get_backend_name() == "sqlite":
            assert self.url.database is not None
            self._sqlite = sqlite3.connect(self.url.database, isolation_level=None)
            self._sqlite.execute("BEGIN EXCLUSIVE")
        else:
            self._pg = await asyncpg.connect(
                self.url.set(drivername="postgresql").render_as_string(hide_password=False)
            )
            await self._pg.execute("BEGIN")
            await self._pg.execute("LOCK TABLE document_updates IN ACCESS EXCLUSIVE MODE")

    async def release(self) -> None:
        if self._sqlite is not None:
            self._sqlite.execute("ROLLBACK")
            self._sqlite.close()
            self._sqlite = None
        if self._pg is not None:
            await self._pg.execute("ROLLBACK")
            await self._pg.close()
            self._pg = None


async def test_writes_blocked_by_the_database_are_retried_not_acknowledged(db_url: str) -> None:
    source = SourceDoc()
    blocker = DatabaseBlocker(db_url)
    logger, warnings = signalling_logger(logging.WARNING, count=2)
    async with open_store(
        db_url,
        logger=logger,
        engine_options=blocker.engine_options,
        retry_initial=0.01,
        retry_max=0.05,
    ) as store:
        await store.ensure("blocked")
        await blocker.lock()
        try:
            tasks = [asyncio.create_task(store.append("blocked", u)) for u in source.edit(40)]
            async with asyncio.timeout(30):
                await warnings.event.wait()  # two failed commit attempts so far
            assert not any(t.done() for t in tasks), "acknowledged while the db was locked"
            assert store.stats.updates_committed == 0
            late = [asyncio.create_task(store.append("blocked", u)) for u in source.edit(5)]
        finally:
            await blocker.release()
        async with asyncio.timeout(30):
            await asyncio.gather(*tasks, *late)
        assert store.stats.failed_attempts >= 2
        assert "group commit of 40 updates failed" in warnings.records[0].getMessage()
    async with open_store(db_url) as reopened:
        stored = await reopened.load("blocked")
    assert stored is not None and len(stored.updates) == 45
    assert render(stored) == str(source)


async def test_shutdown_gives_up_after_a_bounded_time_if_the_database_stays_down(
    db_url: str,
) -> None:
    blocker = DatabaseBlocker(db_url)
    logger, errors = signalling_logger(logging.ERROR)
    warn_logger_signal = LogSignal(logging.WARNING)
    logger.addHandler(warn_logger_signal)
    store_cm = open_store(
        db_url,
        logger=logger,
        engine_options=blocker.engine_options,
        retry_initial=0.01,
        retry_max=0.05,
        shutdown_timeout=0.5,
    )
    store = await store_cm.__aenter__()
    await blocker.lock()
    try:
        tasks = [asyncio.create_task(store.append("down", b"\x00\x00")) for _ in range(7)]
        async with asyncio.timeout(30):
            await warn_logger_signal.event.wait()
        async with asyncio.timeout(30):
            await store_cm.__aexit__(None, None, None)
    finally:
        await blocker.release()
    for task in tasks:
        with pytest.raises(Unavailable):
            await task
    assert errors.event.is_set()
    assert "7 updates were not written" in errors.records[0].getMessage()
    async with open_store(db_url) as reopened:
        stored = await reopened.load("down")
    assert stored is None or stored.updates == []
