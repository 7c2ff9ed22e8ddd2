"""Group commit: many appended updates, one transaction, then every ack at once.

``submit`` queues an update and returns a future; a single writer task takes
everything queued, writes it in one transaction, commits, and only then resolves
the futures. There is no artificial delay: while one transaction runs, new
updates pile up and form the next batch, so batches grow with load.

A failed transaction (database down, locked, restarting) is retried with capped
exponential backoff; nothing is acknowledged and nothing is dropped meanwhile.

Each update carries its author, the Yjs client ids of its structs and the item
ranges it deleted: the same transaction stores the author on the log row, records
client ids seen for the first time (server/storage/authorship.py) and who first
deleted which items (server/storage/deletions.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from dataclasses import dataclass, field

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from server.errors import Unavailable
from server.storage.authorship import SERVER, Author, ClientOwners, claims_of
from server.storage.deletions import Deleters, deletions_of
from server.storage.models import DocumentUpdate, utcnow
from server.storage.sql import ensure_document_id


@dataclass
class WriterStats:
    """Counters that make group commit observable (tests, metrics)."""

    batches_committed: int = 0
    updates_committed: int = 0
    failed_attempts: int = 0


@dataclass(frozen=True)
class _Pending:
    name: str
    data: bytes
    future: asyncio.Future[None] = field(compare=False)
    author: Author = SERVER
    clients: tuple[int, ...] = ()
    deletes: tuple[tuple[int, int, int], ...] = ()


class GroupCommitWriter:
    """The single task that makes appended updates durable, in batches."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        logger: logging.Logger,
        document_ids: dict[str, int],
        retry_initial: float = 0.05,
        retry_max: float = 2.0,
        max_batch: int = 1000,
        max_batch_bytes: int = 8 * 1024 * 1024,
    ) -> None:
        self._engine = engine
        self._log = logger
        # name -> id, shared with the store; only ids of committed rows go in.
        self._ids = document_ids
        self._retry_initial = retry_initial
        self._retry_max = retry_max
        self._max_batch = max_batch
        self._max_batch_bytes = max_batch_bytes
        self._pending: deque[_Pending] = deque()
        self._inflight: list[_Pending] = []
        self._wakeup = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self._owners = ClientOwners(logger)
        self._deleters = Deleters()
        self.stats = WriterStats()

    def start(self) -> None:
        """Start the writer task (once)."""
        if self._task is not None:
            raise RuntimeError("writer already started")
        self._task = asyncio.create_task(self._run(), name="rollingtext-group-commit")

    def submit(
        self,
        name: str,
        data: bytes,
        author: Author = SERVER,
        clients: tuple[int, ...] = (),
        deletes: tuple[tuple[int, int, int], ...] = (),
    ) -> asyncio.Future[None]:
        """Queue one update sent by ``author`` whose structs belong to ``clients``
        and which deleted the (client, clock, length) ranges ``deletes``; the
        future resolves once its row (client ids, deletions) is committed."""
        if self._task is None or self._closing:
            raise Unavailable("document store is not accepting writes", document=name)
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append(_Pending(name, data, future, author, clients, deletes))
        self._wakeup.set()
        return future

    @property
    def queued(self) -> int:
        """Updates not yet committed (queued plus the batch being written)."""
        return len(self._pending) + len(self._inflight)

    async def close(self, grace_seconds: float) -> None:
        """Commit everything queued, then stop; give up after ``grace_seconds``.

        Updates that could not be written by then fail with ``Unavailable``.
        """
        self._closing = True
        self._wakeup.set()
        task = self._task
        if task is None:
            return
        done, _ = await asyncio.wait({task}, timeout=grace_seconds)
        if not done:
            task.cancel()
            await asyncio.wait({task}, timeout=5.0)
            lost = [*self._inflight, *self._pending]
            self._inflight = []
            self._pending.clear()
            self._log.error(
                "shutdown: gave up after %.1fs, %d updates were not written",
                grace_seconds,
                len(lost),
            )
            error = Unavailable("database unavailable at shutdown; update not saved")
            for item in lost:
                if not item.future.done():
                    item.future.set_exception(error)
        elif not task.cancelled() and (crash := task.exception()) is not None:
            raise crash

    async def _run(self) -> None:
        try:
            await self._loop()
        except Exception:
            # A bug, not a database failure (those are retried): never leave
            # appenders waiting forever.
            self._log.exception("group-commit writer crashed")
            self._closing = True
            error = Unavailable("document store writer stopped")
            for item in [*self._inflight, *self._pending]:
                if not item.future.done():
                    item.future.set_exception(error)
            raise

    async def _loop(self) -> None:
        while True:
            if not self._pending:
                if self._closing:
                    return
                self._wakeup.clear()
                await self._wakeup.wait()
                continue
            self._inflight = self._take_batch()
            await self._commit_with_retry(self._inflight)
            self._inflight = []

    def _take_batch(self) -> list[_Pending]:
        batch: list[_Pending] = []
        size = 0
        while self._pending and len(batch) < self._max_batch:
            item = self._pending[0]
            if batch and size + len(item.data) > self._max_batch_bytes:
                break
            batch.append(self._pending.popleft())
            size += len(item.data)
        return batch

    async def _commit_with_retry(self, batch: list[_Pending]) -> None:
        delay = self._retry_initial
        attempt = 0
        while True:
            attempt += 1
            try:
                await self._write(batch)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self.stats.failed_attempts += 1
                for item in batch:
                    self._ids.pop(item.name, None)  # re-resolve: the row may be gone
                self._owners.forget()
                self._deleters.forget()
                self._log.warning(
                    "group commit of %d updates failed (attempt %d), retrying in %.2fs: %s",
                    len(batch),
                    attempt,
                    delay,
                    exc,
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, self._retry_max)
                continue
            self.stats.batches_committed += 1
            self.stats.updates_committed += len(batch)
            for item in batch:
                if not item.future.done():  # the appender may have been cancelled
                    item.future.set_result(None)
            return

    async def _write(self, batch: list[_Pending]) -> None:
        resolved: dict[str, int] = {}
        async with self._engine.begin() as connection:
            # Sorted: two processes creating the same documents lock them in the
            # same order, so they cannot deadlock on PostgreSQL.
            for name in sorted({item.name for item in batch}):
                cached = self._ids.get(name)
                resolved[name] = (
                    cached if cached is not None else await ensure_document_id(connection, name)
                )
            now = utcnow()
            await connection.execute(
                insert(DocumentUpdate),
                [
                    {
                        "document_id": resolved[item.name],
                        "data": item.data,
                        "created_at": now,
                        "author_id": item.author.person_id,
                    }
                    for item in batch
                ],
            )
            claims = [
                claim
                for item in batch
                for claim in claims_of(resolved[item.name], item.author, item.clients)
            ]
            owners = await self._owners.record(connection, claims)
            deleted = await self._deleters.record(
                connection,
                [
                    deletion
                    for item in batch
                    for deletion in deletions_of(resolved[item.name], item.author, item.deletes)
                ],
            )
        self._ids.update(resolved)
        self._owners.learn(owners, claims)
        self._deleters.learn(deleted)
