"""Who deleted which characters: the durable record behind "deleted by ..." in a diff.

A Yjs delete set names the deleted items (client id, clock range), never who
deleted them, and deleted content may be garbage-collected: once an update is
applied, the deleter is forgotten unless recorded. The store records it here,
per document (``document_deletions``), in the group-commit transaction that
stores the update (``Deleters.record``), next to the client-id owners
(server/storage/authorship.py).

**First deleter wins.** A stock client's sync step 2 re-sends its whole delete
set, and two people may delete the same word concurrently: only the parts of a
range that no row covers yet are recorded. The room passes what its transaction
actually deleted (Yrs reports only newly deleted items), so re-sent deletions
rarely reach this far; an in-memory map of recorded ranges per (document, client
id) keeps the common case free of queries. Two processes racing may both record
a range: ``deleters`` resolves any overlap in favour of the lowest row id, the
first committed.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from server.storage.authorship import MAX_CLIENT_ID, Author
from server.storage.models import DocumentDeletion, utcnow
from server.storage.sql import chunks

# A row's length column is an INT; longer ranges are recorded as several rows.
_MAX_LENGTH = 2**31 - 1
# Bound on the in-memory map (ranges, not bytes); exceeding it clears the map,
# which only costs a query per (document, client id) afterwards.
_CACHE_LIMIT = 500_000
_INSERT_CHUNK = 1000

Deletion = tuple[int, int, int, int, Author]  # (document id, client id, clock, length, deleter)
Spans = list[tuple[int, int]]  # sorted, disjoint, non-adjacent [start, end) clock ranges
DeletedRange = tuple[int, int, int, Author | None]  # (client id, clock, length, deleter)


def deletions_of(
    document_id: int, author: Author, ranges: Iterable[tuple[int, int, int]]
) -> list[Deletion]:
    """The deletions one update records; ids a BIGINT cannot hold are left out."""
    return [
        (document_id, client, clock, length, author)
        for client, clock, length in ranges
        if 0 <= client <= MAX_CLIENT_ID and length > 0 and clock + length <= MAX_CLIENT_ID
    ]


def _uncovered(spans: Spans, start: int, end: int) -> Spans:
    """The parts of [start, end) no span covers."""
    out: Spans = []
    i = bisect.bisect_right(spans, (start, MAX_CLIENT_ID + 1)) - 1
    if i < 0:
        i = 0
    cursor = start
    for s, e in spans[i:]:
        if s >= end:
            break
        if e <= cursor:
            continue
        if s > cursor:
            out.append((cursor, s))
        cursor = max(cursor, e)
        if cursor >= end:
            break
    if cursor < end:
        out.append((cursor, end))
    return out


def _add(spans: Spans, start: int, end: int) -> None:
    """Add [start, end) to ``spans`` in place, merging what touches it."""
    i = bisect.bisect_left(spans, (start, start))
    if i > 0 and spans[i - 1][1] >= start:
        i -= 1
    j = i
    while j < len(spans) and spans[j][0] <= end:
        start = min(start, spans[j][0])
        end = max(end, spans[j][1])
        j += 1
    spans[i:j] = [(start, end)]


class Deleters:
    """Recorded deletion ranges the writer knows of, and the recording of new ones."""

    def __init__(self) -> None:
        # (document, client) -> every range recorded for it (complete when present).
        self._known: dict[tuple[int, int], Spans] = {}
        self._size = 0

    async def record(
        self, connection: AsyncConnection, deletions: Sequence[Deletion]
    ) -> dict[tuple[int, int], Spans]:
        """Insert the parts of ``deletions`` no row covers yet, in the caller's
        transaction; earlier deletions in the sequence win over later ones.

        Returns the recorded ranges of every (document, client id) touched, as
        they stand in this transaction; pass them to ``learn`` once it committed.
        """
        if not deletions:
            return {}
        missing = {(d[0], d[1]) for d in deletions} - self._known.keys()
        spans: dict[tuple[int, int], Spans] = {}
        if missing:
            spans.update(await _recorded(connection, missing))
        rows: list[dict[str, object]] = []
        now = utcnow()
        for document_id, client, clock, length, author in deletions:
            key = (document_id, client)
            current = spans.get(key)
            if current is None:
                current = spans[key] = list(self._known.get(key, ()))
            for start, end in _uncovered(current, clock, clock + length):
                _add(current, start, end)
                while start < end:
                    size = min(end - start, _MAX_LENGTH)
                    rows.append(
                        {
                            "document_id": document_id,
                            "client_id": client,
                            "clock": start,
                            "length": size,
                            "person_id": author.person_id,
                            "name": author.name[:200],
                            "delegation": None
                            if author.delegation is None
                            else author.delegation[:200],
                            "at": now,
                        }
                    )
                    start += size
        for start in range(0, len(rows), _INSERT_CHUNK):
            await connection.execute(insert(DocumentDeletion), rows[start : start + _INSERT_CHUNK])
        return spans

    def learn(self, spans: dict[tuple[int, int], Spans]) -> None:
        """After commit: remember the recorded ranges of the keys a batch touched."""
        for key, value in spans.items():
            old = self._known.get(key)
            self._size += len(value) - (len(old) if old is not None else 0)
            self._known[key] = value
        if self._size > _CACHE_LIMIT:
            self.forget()

    def forget(self) -> None:
        """Drop the map (a failed transaction may have left rows unwritten)."""
        self._known.clear()
        self._size = 0


async def _recorded(
    connection: AsyncConnection, keys: Iterable[tuple[int, int]]
) -> dict[tuple[int, int], Spans]:
    """Every recorded range of the given (document, client id) pairs, merged."""
    by_document: dict[int, list[int]] = {}
    for document_id, client in keys:
        by_document.setdefault(document_id, []).append(client)
    found: dict[tuple[int, int], Spans] = {}
    for document_id, clients in by_document.items():
        for client in clients:
            found[(document_id, client)] = []
        for chunk in chunks(clients):
            rows = await connection.execute(
                select(DocumentDeletion.client_id, DocumentDeletion.clock, DocumentDeletion.length)
                .where(DocumentDeletion.document_id == document_id)
                .where(DocumentDeletion.client_id.in_(chunk))
                .order_by(DocumentDeletion.client_id, DocumentDeletion.clock)
            )
            for client, clock, length in rows:
                _add(found[(document_id, int(client))], int(clock), int(clock) + int(length))
    return found


async def deleters(
    connection: AsyncConnection | AsyncSession,
    document_id: int,
    ids: Iterable[tuple[int, int, int]],
) -> list[DeletedRange]:
    """Who deleted the items (client id, clock, length) ``ids`` of a document.

    Returns, for each range in the order given, its sub-ranges in clock order
    with their first deleter: ``(client id, clock, length, Author)``, or ``None``
    as the author where nobody is recorded (deleted before records were kept, or
    not deleted at all). The sub-ranges of a range cover it exactly.
    """
    wanted = [(c, k, n) for c, k, n in ids if n > 0]
    clients = sorted({c for c, _, _ in wanted if 0 <= c <= MAX_CLIENT_ID})
    owners: dict[int, list[tuple[int, int, Author]]] = {c: [] for c in clients}
    spans: dict[int, Spans] = {c: [] for c in clients}
    for chunk in chunks(clients):
        rows = await connection.execute(
            select(
                DocumentDeletion.client_id,
                DocumentDeletion.clock,
                DocumentDeletion.length,
                DocumentDeletion.person_id,
                DocumentDeletion.name,
                DocumentDeletion.delegation,
            )
            .where(DocumentDeletion.document_id == document_id)
            .where(DocumentDeletion.client_id.in_(chunk))
            .order_by(DocumentDeletion.id)  # first recorded first: it wins overlaps
        )
        for row in rows:
            client, clock = int(row.client_id), int(row.clock)
            author = Author(row.person_id, row.name, row.delegation)
            for start, end in _uncovered(spans[client], clock, clock + int(row.length)):
                _add(spans[client], start, end)
                owners[client].append((start, end, author))
    for parts in owners.values():
        parts.sort(key=lambda part: part[0])
    out: list[DeletedRange] = []
    for client, clock, length in wanted:
        parts = owners.get(client, [])
        end = clock + length
        cursor = clock
        i = bisect.bisect_right(parts, clock, key=lambda part: part[0]) - 1
        for start, stop, author in parts[max(i, 0) :]:
            if start >= end:
                break
            if stop <= cursor:
                continue
            if start > cursor:
                out.append((client, cursor, start - cursor, None))
                cursor = start
            upto = min(stop, end)
            out.append((client, cursor, upto - cursor, author))
            cursor = upto
        if cursor < end:
            out.append((client, cursor, end - cursor, None))
    return out
