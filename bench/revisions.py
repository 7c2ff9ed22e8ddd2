"""How long issuing a version and diffing two versions take on a large document.

A rolling text of 2,000 paragraphs (about 1 MB) is written into a real store
(SQLite file, or ``--database-url``) through the room manager, each paragraph
typed by one of four delegates (one Yjs client id each, recorded as theirs). The
secretariat issues Rev.1 (timed); then the delegates edit 500 paragraphs (insert
words, delete spans; each edit one update stored as its author, so the client-id
owners and the deleters are recorded as for live clients) and Rev.2 is issued; the
diff Rev.1 -> Rev.2 is then timed end to end through ``RevisionService.diff``
(both states decoded, item-level walk, attribution read from the database).

    .venv/bin/python -m bench.revisions [--paragraphs 2000] [--chars 500]
        [--changed 500] [--repeat 5] [--database-url URL]

Targets (issue 13): issue < 200 ms, diff with 500 changed paragraphs < 500 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import pycrdt
from sqlalchemy.ext.asyncio import async_sessionmaker

from bench.items import words
from crdt import schema, updates
from server.auth.principal import Principal
from server.auth.tokens import Role
from server.outputs.context import frozen_context
from server.revisions import diff, schemas
from server.revisions.service import RevisionService
from server.rooms.manager import RoomManager
from server.settings import Settings
from server.storage import Author, DocumentStore, create_engine, upgrade

NAME = "bench-revisions"
PEOPLE = [Author(None, f"Delegate {i}", d) for i, d in enumerate(("BR", "KE", "SE", "ISOC"))]
OPERATOR = Principal(name="bench", role=Role.SECRETARIAT)


def figures(samples: list[float]) -> str:
    return f"best {min(samples):.1f} ms, median {statistics.median(samples):.1f} ms"


async def build(rooms: RoomManager, store: DocumentStore, paragraphs: int, chars: int) -> None:
    """The document's structure by the server, each paragraph's words by a delegate."""
    rng = random.Random(1)
    ids: list[str] = []

    def structure(doc: pycrdt.Doc[Any]) -> None:
        with doc.transaction():
            schema.init_document(doc, title="Bench rolling text")
            for i in range(paragraphs):
                section = schema.SECTIONS[2 + i % 5]
                spec = schema.ParagraphSpec(f"OP{i + 1}", section, kind="recommendation")
                ids.append(schema.add_paragraph(doc, spec))

    await rooms.apply(NAME, structure)
    base = (await rooms.document(NAME)).get_update()  # type: ignore[union-attr]
    replicas = [pycrdt.Doc(client_id=5000 + i) for i in range(len(PEOPLE))]
    for i, replica in enumerate(replicas):
        replica.apply_update(base)
        before = replica.get_state()
        with replica.transaction():
            for pid in ids[i :: len(replicas)]:
                schema.text_root(replica, pid).insert(0, words(rng, chars))
        update = replica.get_update(before)
        await rooms.apply(NAME, lambda doc, u=update: doc.apply_update(u), PEOPLE[i])  # type: ignore[misc]


async def edit(rooms: RoomManager, changed: int, seed: int) -> None:
    """``changed`` paragraphs edited by the delegates in turn (each delegate's edits one
    update from their own replica): words inserted, a span deleted."""
    rng = random.Random(seed)
    doc = await rooms.document(NAME)
    assert doc is not None
    ids = [p.id for p in schema.paragraph_records(doc)]
    chosen = rng.sample(ids, changed)
    state = doc.get_update()
    for person, author in enumerate(PEOPLE):
        replica = pycrdt.Doc(client_id=7000 + seed * 10 + person)
        replica.apply_update(state)
        before = replica.get_state()
        with replica.transaction():
            for pid in chosen[person :: len(PEOPLE)]:
                text = schema.text_root(replica, pid)
                value = str(text)
                at = rng.randrange(len(value))
                span = value[at : at + rng.randrange(1, 30)]
                start = len(value[:at].encode())
                del text[start : start + len(span.encode())]
                text.insert(start, words(rng, 20))
        update = replica.get_update(before)
        await rooms.apply(NAME, lambda d, u=update: d.apply_update(u), author)  # type: ignore[misc]


async def main(args: argparse.Namespace) -> None:
    logging.basicConfig(level=logging.WARNING)
    log = logging.getLogger("bench.revisions")
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        engine = create_engine(url)
        await upgrade(engine, logger=log)
        settings = Settings(data_dir=Path(tmp), room_linger_seconds=3600)
        store = DocumentStore(engine, logger=log, merge=updates.merge)
        async with store, RoomManager(store, settings, log) as rooms:
            await store.ensure(NAME)
            await build(rooms, store, args.paragraphs, args.chars)
            service = RevisionService(
                async_sessionmaker(engine, expire_on_commit=False),
                rooms=rooms,
                logger=log,
                context=frozen_context,  # as the app wires it: the context kept too
            )
            doc = await rooms.document(NAME)
            assert doc is not None
            size = len(doc.get_update())
            print(f"document: {args.paragraphs} paragraphs, {size / 1e6:.2f} MB state")
            issue: list[float] = []
            for i in range(args.repeat):
                t0 = time.perf_counter()
                await service.issue(OPERATOR, NAME, schemas.VersionCreate(label=f"Rev.{i + 1}"))
                issue.append((time.perf_counter() - t0) * 1000)
            print(f"version issue: {figures(issue)} (target < 200 ms)")
            first = args.repeat
            await edit(rooms, args.changed, seed=1)
            await service.issue(OPERATOR, NAME, schemas.VersionCreate(label="after edits"))
            query = schemas.DiffQuery.model_validate({"from": first, "to": first + 1})
            spent: list[float] = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                got = await service.diff(OPERATOR, NAME, query)
                spent.append((time.perf_counter() - t0) * 1000)
            s = got.summary
            print(
                f"diff Rev.{first} -> Rev.{first + 1}: {s.changed} paragraphs changed, "
                f"+{s.inserted} -{s.deleted} characters: first (both versions decoded) "
                f"{spent[0]:.1f} ms; again (decoded versions kept): {figures(spent[1:])} "
                "(target < 500 ms)"
            )
            now = schemas.DiffQuery.model_validate({"from": first})
            t0 = time.perf_counter()
            await service.diff(OPERATOR, NAME, now)
            print(f"diff Rev.{first} -> now: {(time.perf_counter() - t0) * 1000:.1f} ms")
            unknown = sum(
                1
                for p in got.paragraphs
                for g in p.segments
                if g.op != "equal" and g.author is None
            )
            print(f"segments without an author: {unknown}")
            older = await service.state(OPERATOR, NAME, first)
            newer = await service.state(OPERATOR, NAME, first + 1)
            t0 = time.perf_counter()
            diff.compare(older.state, newer.state)
            print(
                f"  of which the item-level comparison: {(time.perf_counter() - t0) * 1000:.1f} ms"
            )
        await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=2000)
    parser.add_argument("--chars", type=int, default=500)
    parser.add_argument("--changed", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5, help="at least 2")
    parser.add_argument("--database-url")
    asyncio.run(main(parser.parse_args()))
