"""``DocumentStore``: the long-lived persistence service for Yjs documents.

A document is an append-only update log plus one compacted snapshot. Appends go
through the group-commit writer (acknowledged only once committed); compaction
folds the log into the snapshot without ever losing a concurrent append.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any

from sqlalchemy import Select, delete, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from crdt.encoding import DecodeError
from crdt.update_v1 import check_no_trailing_bytes
from server.storage.authorship import SERVER, Author, ClientRecord, list_clients
from server.storage.deletions import DeletedRange, deleters
from server.storage.models import Document, DocumentSnapshot, DocumentUpdate, utcnow
from server.storage.sql import (
    check_name,
    chunks,
    ensure_document_id,
    find_document_id,
    upsert_insert,
)
from server.storage.writer import GroupCommitWriter, WriterStats

# Compare-and-set conflicts mean another process compacted meanwhile; retrying a
# couple of times is plenty (each retry sees that process's snapshot).
_COMPACT_ATTEMPTS = 3


@dataclass(frozen=True)
class StoredDocument:
    """What ``load`` returns: apply the snapshot (if any), then every update."""

    name: str
    snapshot: bytes | None
    updates: list[bytes]  # log rows not yet merged into the snapshot, in id order

    @property
    def parts(self) -> list[bytes]:
        """Everything to apply, in order: the snapshot (if any), then the log."""
        return ([self.snapshot] if self.snapshot else []) + self.updates


@dataclass(frozen=True)
class DocumentInfo:
    """Size figures of one document (admin listing, compaction decisions)."""

    name: str
    created_at: datetime
    pending_updates: int
    snapshot_bytes: int


class DocumentStore:
    """Durable storage of documents; use as ``async with DocumentStore(...) as store``.

    The store does not own the engine: the caller disposes it after ``__aexit__``.
    ``merge`` combines Yjs updates into one (e.g. ``pycrdt.merge_updates``); it runs
    in a worker thread so large merges do not block the event loop.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        logger: logging.Logger,
        merge: Callable[[Sequence[bytes]], bytes],
        retry_initial: float = 0.05,
        retry_max: float = 2.0,
        shutdown_timeout: float = 30.0,
    ) -> None:
        self._engine = engine
        self._log = logger
        self._merge = merge
        self._shutdown_timeout = shutdown_timeout
        self._ids: dict[str, int] = {}
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        self._writer = GroupCommitWriter(
            engine,
            logger=logger,
            document_ids=self._ids,
            retry_initial=retry_initial,
            retry_max=retry_max,
        )

    async def __aenter__(self) -> DocumentStore:
        self._writer.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._writer.close(self._shutdown_timeout)

    @property
    def stats(self) -> WriterStats:
        """A copy of the group-commit counters (batches, updates, failed attempts)."""
        return replace(self._writer.stats)

    @property
    def queued_updates(self) -> int:
        """Appended updates not yet committed."""
        return self._writer.queued

    async def ping(self) -> bool:
        """True if the database answers ``SELECT 1`` (health checks)."""
        try:
            async with self._engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as exc:
            self._log.debug("database ping failed: %s", exc)
            return False
        return True

    async def _document_id(self, name: str) -> int | None:
        cached = self._ids.get(name)
        if cached is not None:
            return cached
        async with self._engine.connect() as connection:
            document_id = await find_document_id(connection, name)
        if document_id is not None:
            self._ids[name] = document_id
        return document_id

    async def exists(self, name: str) -> bool:
        """Whether document ``name`` has been created."""
        return await self._document_id(check_name(name)) is not None

    async def ensure(self, name: str) -> None:
        """Create document ``name`` if missing; safe against concurrent callers anywhere."""
        if await self._document_id(check_name(name)) is not None:
            return
        async with self._engine.begin() as connection:
            document_id = await ensure_document_id(connection, name)
        self._ids[name] = document_id

    async def append(
        self,
        name: str,
        update: bytes,
        *,
        author: Author = SERVER,
        clients: Sequence[int] | None = None,
        deletes: Sequence[tuple[int, int, int]] | None = None,
    ) -> None:
        """Store one update; returns only once its row is committed (durable).

        ``author`` sent it (default: the server itself); ``clients`` are the Yjs
        client ids of its structs (``crdt.update_v1.struct_clients``; found here
        when not given), recorded as the author's unless someone wrote with them
        first. ``deletes`` are the (client, clock, length) item ranges it deleted
        (a room passes what its transaction actually deleted; by default the
        update's whole delete set), recorded as the author's where nobody is
        recorded as their deleter yet (server/storage/deletions.py).

        Raises ``BadInput`` for an invalid name and ``Unavailable`` if the store is
        closed or shut down before the update could be written.
        """
        check_name(name)
        if clients is None or deletes is None:
            found: list[tuple[int, int, int]] = []
            try:
                owners = check_no_trailing_bytes(update, found)
            except DecodeError as exc:  # stored all the same: storage judges no content
                self._log.warning("update for %s names no readable client ids: %s", name, exc)
                owners, found = [], []
            clients = owners if clients is None else clients
            deletes = found if deletes is None else deletes
        await self._writer.submit(name, bytes(update), author, tuple(clients), tuple(deletes))

    async def clients(self, name: str) -> list[ClientRecord] | None:
        """Who wrote with each Yjs client id of document ``name`` (first seen first);
        None if there is no such document. Unaffected by compaction."""
        document_id = await self._document_id(check_name(name))
        if document_id is None:
            return None
        async with self._engine.connect() as connection:
            return await list_clients(connection, document_id)

    async def deleters(
        self, name: str, ids: Iterable[tuple[int, int, int]]
    ) -> list[DeletedRange] | None:
        """Who first deleted the (client, clock, length) item ranges ``ids`` of
        document ``name`` (``deletions.deleters``); None if there is no such
        document. Unaffected by compaction."""
        document_id = await self._document_id(check_name(name))
        if document_id is None:
            return None
        async with self._engine.connect() as connection:
            return await deleters(connection, document_id, ids)

    async def load(self, name: str) -> StoredDocument | None:
        """Snapshot plus every remaining log row, or None if there is no such document.

        The log is read before the snapshot: a compaction committing in between
        only moves rows into a (newer) snapshot, so nothing is missed; rows seen
        twice are harmless because applying a Yjs update twice is a no-op.
        """
        document_id = await self._document_id(check_name(name))
        if document_id is None:
            return None
        async with self._engine.connect() as connection:
            rows = await connection.execute(
                select(DocumentUpdate.data)
                .where(DocumentUpdate.document_id == document_id)
                .order_by(DocumentUpdate.id)
            )
            updates = [bytes(row) for row in rows.scalars()]
            snapshot = (
                await connection.execute(
                    select(DocumentSnapshot.data).where(DocumentSnapshot.document_id == document_id)
                )
            ).scalar_one_or_none()
        return StoredDocument(
            name=name,
            snapshot=None if snapshot is None else bytes(snapshot),
            updates=updates,
        )

    def compaction_lock(self, name: str) -> AbstractAsyncContextManager[None]:
        """The lock held while compacting ``name``: in-process only.

        Override to add a cross-process lock (e.g. Redis). Correctness does not
        depend on it (the snapshot is replaced by compare-and-set); it avoids
        wasted merges.
        """
        lock = self._locks.get(name)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[name] = lock
        return lock

    async def compact(self, name: str) -> int:
        """Fold the snapshot and every visible log row into a new snapshot.

        Returns how many log rows were folded (0 if there was nothing to do).
        Exactly the merged row ids are deleted, in the transaction that stores the
        new snapshot, so appends committing meanwhile (even with smaller ids, as
        happens on PostgreSQL) stay in the log.
        """
        check_name(name)
        async with self.compaction_lock(name):
            for _ in range(_COMPACT_ATTEMPTS):
                folded = await self._compact_once(name)
                if folded is not None:
                    return folded
                self._log.info("snapshot of %s changed during compaction; retrying", name)
            self._log.warning("compaction of %s gave up after concurrent snapshot changes", name)
            return 0

    async def _compact_once(self, name: str) -> int | None:
        """One compaction attempt; None if another writer replaced the snapshot first."""
        document_id = await self._document_id(name)
        if document_id is None:
            return 0
        async with self._engine.connect() as connection:
            previous = (
                await connection.execute(
                    select(DocumentSnapshot.data, DocumentSnapshot.updated_at).where(
                        DocumentSnapshot.document_id == document_id
                    )
                )
            ).one_or_none()
            rows = (
                await connection.execute(
                    select(DocumentUpdate.id, DocumentUpdate.data)
                    .where(DocumentUpdate.document_id == document_id)
                    .order_by(DocumentUpdate.id)
                )
            ).all()
        if not rows:
            return 0
        parts = [bytes(row.data) for row in rows]
        if previous is not None:
            parts.insert(0, bytes(previous.data))
        merged = await asyncio.to_thread(self._merge, parts)
        row_ids = [int(row.id) for row in rows]
        async with self._engine.begin() as connection:
            # The snapshot write comes first (SQLite takes the write lock with its
            # busy handler) and is a compare-and-set on updated_at.
            if previous is None:
                result = await connection.execute(
                    upsert_insert(connection, DocumentSnapshot)
                    .values(document_id=document_id, data=merged, updated_at=utcnow())
                    .on_conflict_do_nothing(index_elements=["document_id"])
                )
            else:
                # Strictly increasing, so the token can never repeat.
                stamp = max(utcnow(), previous.updated_at + timedelta(microseconds=1))
                result = await connection.execute(
                    update(DocumentSnapshot)
                    .where(
                        DocumentSnapshot.document_id == document_id,
                        DocumentSnapshot.updated_at == previous.updated_at,
                    )
                    .values(data=merged, updated_at=stamp)
                )
            if result.rowcount != 1:
                await connection.rollback()
                return None
            for chunk in chunks(row_ids):
                await connection.execute(delete(DocumentUpdate).where(DocumentUpdate.id.in_(chunk)))
        self._log.debug("compacted %s: folded %d updates", name, len(row_ids))
        return len(row_ids)

    def _info_query(self) -> Select[Any]:
        pending = (
            select(func.count(DocumentUpdate.id))
            .where(DocumentUpdate.document_id == Document.id)
            .correlate(Document)
            .scalar_subquery()
        )
        snapshot_bytes = func.coalesce(func.length(DocumentSnapshot.data), 0)
        return select(Document.name, Document.created_at, pending, snapshot_bytes).outerjoin(
            DocumentSnapshot, DocumentSnapshot.document_id == Document.id
        )

    async def list_documents(self) -> list[DocumentInfo]:
        """Every document with its pending log size and snapshot size, by name."""
        async with self._engine.connect() as connection:
            rows = (await connection.execute(self._info_query().order_by(Document.name))).all()
        return [DocumentInfo(row[0], row[1], int(row[2]), int(row[3])) for row in rows]

    async def info(self, name: str) -> DocumentInfo | None:
        """Size figures of document ``name``, or None if it does not exist."""
        query = self._info_query().where(Document.name == check_name(name))
        async with self._engine.connect() as connection:
            row = (await connection.execute(query)).one_or_none()
        return None if row is None else DocumentInfo(row[0], row[1], int(row[2]), int(row[3]))
