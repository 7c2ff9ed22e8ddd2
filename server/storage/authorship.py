"""Who wrote with which Yjs client id: the durable map behind "who typed this character".

Every Yjs item (a run of characters) carries the client id of the replica that
created it, for ever, whatever merges or compactions happen later. The store
records, per document, the person who first sent structs of each client id
(``document_clients``); attributing a character is then a lookup of its client id.

**First owner wins.** Client ids are random per replica; a stock client echoing
what it heard, or someone replaying another person's update, may send structs
of a client id somebody else created. Such a later, different claimant is logged
(once per document, client id and claimant) and never recorded: nobody can take
over another delegation's words.

Recording happens inside the group-commit transaction that stores the updates
(``ClientOwners.record``), so a batch stays one transaction; a small cache of known
owners keeps the common case (a client id already recorded) free of queries.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from server.storage.models import DocumentClient, utcnow
from server.storage.sql import chunks, upsert_insert

# A client id as PostgreSQL's BIGINT holds it; Yjs picks 32-bit ids, pycrdt 53-bit.
MAX_CLIENT_ID = 2**63 - 1
# Bounds on the in-memory bookkeeping (entries, not bytes); exceeding one clears it,
# which only costs a query per client id afterwards.
_CACHE_LIMIT = 200_000
_LOGGED_LIMIT = 10_000


@dataclass(frozen=True)
class Author:
    """Who sent an update: a person (``person_id``), an operator token, or the server."""

    person_id: int | None
    name: str
    delegation: str | None = None

    @property
    def key(self) -> str:
        """The identity compared for ownership: the person, else the name (no person)."""
        return f"person:{self.person_id}" if self.person_id is not None else f"name:{self.name}"


# The server's own writes (reverts of refused edits, commands): no person.
SERVER = Author(person_id=None, name="server", delegation=None)


@dataclass(frozen=True)
class ClientRecord:
    """One row of a document's client map, as the API shows it."""

    client_id: int
    person_id: int | None
    name: str
    delegation: str | None
    first_seen: datetime


Claim = tuple[int, int, Author]  # (document id, client id, who sent structs of it)


class ClientOwners:
    """The owners of client ids the writer has seen, and the recording of new ones."""

    def __init__(self, logger: logging.Logger) -> None:
        self._log = logger
        self._known: dict[tuple[int, int], str] = {}  # (document, client) -> Author.key
        self._logged: set[tuple[int, int, str]] = set()

    async def record(
        self, connection: AsyncConnection, claims: Sequence[Claim]
    ) -> dict[tuple[int, int], str]:
        """Insert the owners of client ids not recorded yet, in the caller's transaction.

        Returns the owners this transaction learnt (existing rows it read and rows it
        inserted); pass them to ``learn`` once the transaction has committed.
        """
        unknown: dict[tuple[int, int], Author] = {}
        for document_id, client_id, author in claims:
            key = (document_id, client_id)
            if key not in self._known and key not in unknown:
                unknown[key] = author
        if not unknown:
            return {}
        learnt = await _existing(connection, unknown)
        # Sorted: two processes inserting the same ids lock them in the same order,
        # so they cannot deadlock on PostgreSQL's unique index.
        new = sorted(
            ((key, author) for key, author in unknown.items() if key not in learnt),
            key=lambda item: item[0],
        )
        if new:
            now = utcnow()
            statement = upsert_insert(connection, DocumentClient).on_conflict_do_nothing(
                index_elements=["document_id", "client_id"]
            )
            await connection.execute(
                statement,
                [
                    {
                        "document_id": document_id,
                        "client_id": client_id,
                        "person_id": author.person_id,
                        "name": author.name[:200],
                        "delegation": None
                        if author.delegation is None
                        else author.delegation[:200],
                        "first_seen": now,
                    }
                    for (document_id, client_id), author in new
                ],
            )
            # A concurrent process may have won a race for one of them: harmless, as
            # it recorded the same sender (ids are random per replica), and the next
            # cache miss reads its row.
            learnt.update({key: author.key for key, author in new})
        return learnt

    def learn(self, owners: dict[tuple[int, int], str], claims: Iterable[Claim]) -> None:
        """After commit: remember ``owners`` and log claims of someone else's client id."""
        if len(self._known) + len(owners) > _CACHE_LIMIT:
            self._known.clear()
        self._known.update(owners)
        for document_id, client_id, author in claims:
            owner = self._known.get((document_id, client_id))
            if owner is None or owner == author.key:
                continue
            mark = (document_id, client_id, author.key)
            if mark in self._logged:
                continue
            if len(self._logged) >= _LOGGED_LIMIT:
                self._logged.clear()
            self._logged.add(mark)
            self._log.warning(
                "document %s: %s sent structs of Yjs client %s, which %s wrote first;"
                " the characters stay attributed to the first",
                document_id,
                author.key,
                client_id,
                owner,
            )

    def forget(self) -> None:
        """Drop the cache (a failed transaction may have left rows unwritten)."""
        self._known.clear()


async def _existing(
    connection: AsyncConnection, wanted: dict[tuple[int, int], Author]
) -> dict[tuple[int, int], str]:
    """Owners already recorded for the wanted (document, client) pairs."""
    by_document: dict[int, list[int]] = {}
    for document_id, client_id in wanted:
        by_document.setdefault(document_id, []).append(client_id)
    found: dict[tuple[int, int], str] = {}
    for document_id, client_ids in by_document.items():
        for chunk in chunks(client_ids):
            rows = await connection.execute(
                select(DocumentClient.client_id, DocumentClient.person_id, DocumentClient.name)
                .where(DocumentClient.document_id == document_id)
                .where(DocumentClient.client_id.in_(chunk))
            )
            for client_id, person_id, name in rows:
                found[(document_id, int(client_id))] = Author(person_id, name).key
    return found


async def list_clients(connection: AsyncConnection, document_id: int) -> list[ClientRecord]:
    """Every client id recorded for a document, first seen first."""
    rows = await connection.execute(
        select(
            DocumentClient.client_id,
            DocumentClient.person_id,
            DocumentClient.name,
            DocumentClient.delegation,
            DocumentClient.first_seen,
        )
        .where(DocumentClient.document_id == document_id)
        .order_by(DocumentClient.first_seen, DocumentClient.client_id)
    )
    return [
        ClientRecord(int(row.client_id), row.person_id, row.name, row.delegation, row.first_seen)
        for row in rows
    ]


def claims_of(document_id: int, author: Author, client_ids: Iterable[int]) -> list[Claim]:
    """The claims one update makes; ids a BIGINT cannot hold are left out (no Yjs
    or Yrs replica makes them)."""
    return [
        (document_id, client_id, author)
        for client_id in dict.fromkeys(client_ids)
        if 0 <= client_id <= MAX_CLIENT_ID
    ]
