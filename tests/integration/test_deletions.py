"""Who deleted which words, on real SQLite and PostgreSQL, through real connections.

Brazil's delegate types a sentence; Sweden's deletes some of Brazil's words. The
store records Sweden as the deleter of exactly those characters (found by their
Yjs ids with ``crdt.items.text_runs``). A client that later re-sends the whole
delete set (as a stock client's sync step 2 does) takes nothing over, and the
record survives compaction and a restart.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pycrdt
import pytest
from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from client import DocumentClient
from crdt.items import text_runs
from crdt.update_v1 import delete_set
from server.settings import Settings
from server.storage import (
    Author,
    Document,
    DocumentDeletion,
    DocumentStore,
    create_engine,
    upgrade,
)
from server.storage.deletions import deleters
from tests.integration.test_authorship import add_sweden
from tests.integration.test_storage import LOG, db_url, merge, open_store
from tests.support.docs import TEXT_ROOT, typed
from tests.support.groups import SEED_TEXT, Api, build_group
from tests.support.servers import RunningServer, serve_in_process
from tests.support.services import fresh_postgres_database

__all__ = ["db_url"]  # the fixture, shared with test_storage

pytestmark = pytest.mark.timeout(120)

BRAZIL = Author(11, "Delegate of Brazil", "Brazil")
SWEDEN = Author(12, "Delegate of Sweden", "Sweden")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def server_settings(
    request: pytest.FixtureRequest, settings: Settings
) -> AsyncIterator[Settings]:
    if request.param == "sqlite":
        yield settings
        return
    async with fresh_postgres_database() as url:
        yield settings.with_(database_url=url)


def text(client: DocumentClient) -> pycrdt.Text:
    return client.doc.get(TEXT_ROOT, type=pycrdt.Text)


def deleted_ranges(state: bytes) -> list[tuple[int, int, int]]:
    """The (client, clock, length) of every deleted run of the text, in text order."""
    return [(r.client, r.clock, r.length) for r in text_runs(state)[TEXT_ROOT] if r.deleted]


def who(found: list[tuple[int, int, int, Author | None]]) -> list[tuple[int, str | None]]:
    return [(length, None if a is None else a.delegation) for _, _, length, a in found]


async def test_the_deleter_is_recorded_once_and_kept(server_settings: Settings) -> None:
    words, gone = "We strongly urge all parties", "strongly urge "
    async with serve_in_process(server_settings) as server, Api.open(server.url) as api:
        group = await build_group(api, server.token("chair", "op"))
        sweden = await add_sweden(api, group)
        brazil = group.people["member"]
        async with DocumentClient(server.url, group.document, brazil.token) as br:
            await br.wait_for(lambda _: str(text(br)) == SEED_TEXT)
            text(br).insert(len(SEED_TEXT), words)
            await br.flush()
            async with DocumentClient(server.url, group.document, sweden.token) as se:
                await se.wait_for(lambda _: str(text(se)).endswith(words))
                start = len(SEED_TEXT) + len("We ")
                del text(se)[start : start + len(gone)]
                await se.flush()
            await br.wait_for(lambda _: "strongly" not in str(text(br)))
            state = br.doc.get_update()
            ranges = deleted_ranges(state)
            # Exactly Brazil's two words are deleted, and the record names Sweden.
            assert [(c, n) for c, _, n in ranges] == [(br.doc.client_id, len(gone))]
            assert who(await lookup(server, group.document, ranges)) == [(len(gone), "Sweden")]
            # Brazil re-sends the whole state, delete set included (what a stock
            # client's sync step 2 carries): nothing is re-attributed.
            assert delete_set(state)
            ack = await br.send_raw("sync-update", state)
            assert ack == {"ok": True}
            assert who(await lookup(server, group.document, ranges)) == [(len(gone), "Sweden")]
        # Brazil comes back with a replica holding everything: it answers the server's
        # sync step 1 with its whole delete set (sync step 2), and types on.
        replica = pycrdt.Doc()
        replica.apply_update(state)
        async with DocumentClient(server.url, group.document, brazil.token, doc=replica) as again:
            text(again).insert(len(SEED_TEXT), "! ")
            await again.flush()
        assert who(await lookup(server, group.document, ranges)) == [(len(gone), "Sweden")]
        assert await server.store.compact(group.document) >= 1
        assert who(await lookup(server, group.document, ranges)) == [(len(gone), "Sweden")]
    # A restart: no cache, the records come from the database. Brazil's whole delete
    # set stored again through the store's own path (the default: every range of
    # the update) still takes nothing over.
    async with serve_in_process(server_settings) as server:
        await server.store.append(
            group.document, state, author=Author(brazil.id, brazil.name, "Brazil")
        )
        found = await lookup(server, group.document, ranges)
        assert who(found) == [(len(gone), "Sweden")]
        assert found[0][3] == Author(sweden.id, "Delegate of Sweden", "Sweden")


async def lookup(
    server: RunningServer, document: str, ranges: list[tuple[int, int, int]]
) -> list[tuple[int, int, int, Author | None]]:
    found = await server.store.deleters(document, ranges)
    assert found is not None
    return found


async def test_first_deleter_wins_in_the_store(db_url: str) -> None:
    base = typed(1001, "abcdefghij")
    doc = pycrdt.Doc()
    doc.apply_update(base)
    t = doc.get(TEXT_ROOT, type=pycrdt.Text)
    before = doc.get_state()
    del t[2:5]  # Sweden deletes "cde"
    sweden_deletes = doc.get_update(before)
    before = doc.get_state()
    del t[0:4]  # Brazil deletes "ab" and "fg" (and, in its delete set, "cde" again)
    brazil_deletes = doc.get_update(before)
    async with open_store(db_url) as store:
        await store.append("doc", base, author=BRAZIL)
        await store.append("doc", sweden_deletes, author=SWEDEN)
        await store.append("doc", brazil_deletes, author=BRAZIL)
        rows = await count_rows(db_url)
        assert rows == 3  # "cde"; then "ab" and "fg", not "cde" again
        await store.append("doc", doc.get_update(), author=BRAZIL)  # the whole delete set
        assert await count_rows(db_url) == rows
        found = await store.deleters("doc", [(1001, 0, 10)])
        assert found == [
            (1001, 0, 2, BRAZIL),
            (1001, 2, 3, SWEDEN),
            (1001, 5, 2, BRAZIL),
            (1001, 7, 3, None),
        ]
        assert await store.deleters("no-such-document", [(1001, 0, 1)]) is None
    async with store_connection(db_url) as (document_id, connection):
        # Ranges come back in the order asked, each cut where the deleters change.
        found = await deleters(connection, document_id, [(1001, 6, 4), (1001, 1, 2), (7, 0, 1)])
        assert found == [
            (1001, 6, 1, BRAZIL),
            (1001, 7, 3, None),
            (1001, 1, 1, BRAZIL),
            (1001, 2, 1, SWEDEN),
            (7, 0, 1, None),
        ]


async def count_rows(url: str) -> int:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return int(await connection.scalar(select(func.count(DocumentDeletion.id))) or 0)
    finally:
        await engine.dispose()


@asynccontextmanager
async def store_connection(url: str) -> AsyncIterator[tuple[int, AsyncConnection]]:
    """The id of document "doc" and a connection of its own (another reader)."""
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            document_id = await connection.scalar(select(Document.id).where(Document.name == "doc"))
            assert document_id is not None
            yield document_id, connection
    finally:
        await engine.dispose()


async def test_known_deletions_cost_no_query(db_url: str) -> None:
    """The writer remembers what it recorded: re-sent deletions touch no table, and
    a new deletion of a known client id is one insert, no lookup."""
    base = typed(1001, "abcdefghij")
    doc = pycrdt.Doc()
    doc.apply_update(base)
    t = doc.get(TEXT_ROOT, type=pycrdt.Text)
    before = doc.get_state()
    del t[2:5]
    first = doc.get_update(before)
    statements: list[str] = []
    engine = create_engine(db_url)
    try:
        await upgrade(engine)

        def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
            if "document_deletions" in statement:
                statements.append(statement.split()[0].upper())

        event.listen(engine.sync_engine, "before_cursor_execute", seen)
        async with DocumentStore(engine, logger=LOG, merge=merge) as store:
            await store.append("doc", base, author=BRAZIL)
            await store.append("doc", first, author=SWEDEN)
            assert statements == ["SELECT", "INSERT"]  # the first time: what is recorded?
            statements.clear()
            await store.append("doc", doc.get_update(), author=BRAZIL)  # all known
            assert statements == []
            before = doc.get_state()
            del t[0:1]
            await store.append("doc", doc.get_update(before), author=BRAZIL)
            assert statements == ["INSERT"]
            found = await store.deleters("doc", [(1001, 0, 5)])
        assert found == [(1001, 0, 1, BRAZIL), (1001, 1, 1, None), (1001, 2, 3, SWEDEN)]
    finally:
        await engine.dispose()
