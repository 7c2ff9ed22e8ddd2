"""The store's authorship records, on real SQLite and PostgreSQL: who sent each update,
and the map from Yjs client ids to people (first owner wins, survives compaction)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pycrdt
from sqlalchemy import select

from crdt import updates
from crdt.update_v1 import struct_clients
from server.storage import Author, DocumentStore, DocumentUpdate, create_engine
from tests.integration.test_storage import db_url, open_store, signalling_logger

__all__ = ["db_url"]  # the fixture, shared with test_storage

BRAZIL = Author(11, "Delegate of Brazil", "Brazil")
SWEDEN = Author(12, "Delegate of Sweden", "Sweden")


def typed(client_id: int, words: str, base: bytes | None = None) -> bytes:
    doc: pycrdt.Doc[Any] = pycrdt.Doc(client_id=client_id)
    if base is not None:
        doc.apply_update(base)
    before = doc.get_state()
    text = doc.get("t", type=pycrdt.Text)
    text.insert(len(text), words)
    return doc.get_update(before)


async def append(store: DocumentStore, update: bytes, author: Author) -> None:
    await store.append("doc", update, author=author, clients=struct_clients(update))


def owners(records: Any) -> dict[int, tuple[int | None, str, str | None]]:
    return {r.client_id: (r.person_id, r.name, r.delegation) for r in records}


async def authors_of_rows(url: str) -> list[int | None]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                select(DocumentUpdate.author_id).order_by(DocumentUpdate.id)
            )
            return [row[0] for row in rows]
    finally:
        await engine.dispose()


async def test_each_row_names_its_sender_and_the_client_map_survives_compaction(
    db_url: str,
) -> None:
    brazil = typed(1001, "We recommend ")
    sweden = typed(2**32 - 1, "[enhanced] cooperation", base=brazil)
    async with open_store(db_url) as store:
        await append(store, brazil, BRAZIL)
        await append(store, sweden, SWEDEN)
        # The server's own write; the store finds its client ids itself.
        await store.append("doc", typed(77, "."))
        assert await authors_of_rows(db_url) == [11, 12, None]
        expected = {
            1001: (11, "Delegate of Brazil", "Brazil"),
            2**32 - 1: (12, "Delegate of Sweden", "Sweden"),
            77: (None, "server", None),
        }
        assert owners(await store.clients("doc")) == expected
        assert await store.compact("doc") == 3
        assert await authors_of_rows(db_url) == []  # the rows are folded away...
        assert owners(await store.clients("doc")) == expected  # ...the map is not
        assert await store.clients("no-such-document") is None
    async with open_store(db_url) as reopened:  # another process, after a restart
        assert owners(await reopened.clients("doc")) == expected


async def test_the_first_owner_of_a_client_id_keeps_it_and_a_later_claim_is_logged(
    db_url: str,
) -> None:
    logger, warnings = signalling_logger(logging.WARNING)
    first = typed(1001, "We recommend ")
    # Sweden's replica wrongly reuses Brazil's client id and types with it.
    impostor = typed(1001, "nothing", base=first)
    async with open_store(db_url, logger=logger) as store:
        await append(store, first, BRAZIL)
        await append(store, impostor, SWEDEN)
        await asyncio.wait_for(warnings.event.wait(), 10)
        assert "person:12" in warnings.records[0].getMessage()
        assert owners(await store.clients("doc"))[1001][2] == "Brazil"
    # After a restart the owner comes from the database, not a cache: still Brazil,
    # and one claimant is logged once, however often it repeats.
    logger, warnings = signalling_logger(logging.WARNING, count=2)
    async with open_store(db_url, logger=logger) as store:
        await append(store, impostor, SWEDEN)
        await append(store, typed(1001, "again", base=impostor), SWEDEN)
        assert owners(await store.clients("doc"))[1001][2] == "Brazil"
    assert len(warnings.records) == 1


async def test_claims_in_one_group_commit_go_to_whoever_was_first(db_url: str) -> None:
    first = typed(5, "a")
    second = typed(5, "b", base=first)
    merged = updates.merge([typed(6, "c"), typed(7, "d")])
    async with open_store(db_url) as store:
        # Submitted together: one batch, one transaction.
        await asyncio.gather(
            append(store, first, SWEDEN),
            append(store, second, BRAZIL),
            store.append("doc", merged, author=BRAZIL, clients=[6, 7, 6, 2**64 - 1]),
        )
        assert store.stats.batches_committed == 1
        recorded = owners(await store.clients("doc"))
    assert recorded == {
        5: (12, "Delegate of Sweden", "Sweden"),
        6: (11, "Delegate of Brazil", "Brazil"),
        7: (11, "Delegate of Brazil", "Brazil"),
    }
