"""Several server processes over Redis and PostgreSQL behave as one server.

Real processes (``rollingtext serve``), real Redis and PostgreSQL; faults are real
network cuts (a TCP proxy in front of Redis or PostgreSQL) and ``kill -9``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pycrdt
import pytest

from client import DocumentClient
from crdt import protocol, schema, updates
from crdt.awareness import AwarenessEntry, encode_update
from server.settings import Settings
from server.storage import DocumentStore, create_engine, upgrade
from tests.support.docs import text_of
from tests.support.servers import ServerProcess, free_port
from tests.support.services import require_redis
from tests.support.tcpproxy import TcpProxy
from tests.support.ywebsocket import YWebSocketClient

pytestmark = [pytest.mark.timeout(120), pytest.mark.postgres]


@asynccontextmanager
async def cluster(
    tmp_path: Path, database_url: str, redis_url: str, n: int
) -> AsyncIterator[list[ServerProcess]]:
    """``n`` server processes sharing one database and one Redis prefix."""
    prefix = f"rt-test-{uuid.uuid4().hex[:8]}:"
    env = {"REDIS_URL": redis_url, "ROLLINGTEXT_REDIS_PREFIX": prefix}
    async with AsyncExitStack() as stack:
        servers = []
        for i in range(n):
            settings = Settings(
                data_dir=tmp_path / f"p{i}",
                secret="cluster-secret",
                database_url=database_url,
                port=free_port(),
            )
            servers.append(await stack.enter_async_context(ServerProcess(settings, env)))
        yield servers


async def stored_text(server: ServerProcess, name: str) -> str:
    """The document as a fresh reader loads it (from the database via any process)."""
    async with DocumentClient(server.url, name, server.token("follower", "auditor")) as reader:
        return text_of(reader.doc)


async def type_markers(client: DocumentClient, tag: str, count: int) -> list[str]:
    text = client.doc.get("t", type=pycrdt.Text)
    markers = [f"<{tag}.{n}>" for n in range(count)]
    for marker in markers:
        text.insert(len(text), marker)
        await asyncio.sleep(0)
    return markers


def everything_in(text: str, markers: list[str]) -> bool:
    return all(m in text for m in markers)


@pytest.mark.parametrize("processes", [2, 3])
async def test_clients_on_different_processes_converge(
    tmp_path: Path, postgres_url: str, processes: int
) -> None:
    redis_url = await require_redis()
    async with cluster(tmp_path, postgres_url, redis_url, processes) as servers:
        sio = [
            await DocumentClient(s.url, "plenary", s.token("member", f"sio{i}")).__aenter__()
            for i, s in enumerate(servers)
        ]
        ws = [
            await YWebSocketClient(
                s.url.replace("http", "ws") + "/ws", "plenary", s.token("member", f"ws{i}")
            ).__aenter__()
            for i, s in enumerate(servers)
        ]
        try:
            markers = []
            typed = await asyncio.gather(*(type_markers(c, f"s{i}", 30) for i, c in enumerate(sio)))
            markers += [m for ms in typed for m in ms]
            for i, w in enumerate(ws):
                t = w.doc.get("t", type=pycrdt.Text)
                for n in range(30):
                    t.insert(0, f"<w{i}.{n}>")
                    markers.append(f"<w{i}.{n}>")
            await asyncio.gather(*(c.flush() for c in sio))
            for replica in [*sio, *ws]:
                await replica.wait_for(lambda d: everything_in(text_of(d), markers), timeout=20)
            reference = sio[0].doc
            for replica in [*sio, *ws]:
                assert updates.same_state(replica.doc, reference)
                assert text_of(replica.doc) == text_of(reference)
            # Presence crosses processes too: the first client sees the last one's cursor
            # (named by the server after the last client's token).
            entry = b'{"user":{"name":"ws-last"}}'
            await ws[-1].send(
                protocol.awareness(
                    encode_update([AwarenessEntry(ws[-1].doc.client_id, 1, entry.decode())])
                )
            )
            last = f'"name":"ws{len(ws) - 1}"'.encode()
            await sio[0].wait_for(lambda d: any(last in a for a in sio[0].awareness_updates))
        finally:
            for c in sio:
                await c.close()
            for w in ws:
                await w.__aexit__(None, None, None)
        # Stored exactly once each, read back through every process.
        for s in servers:
            assert text_of(reference) == await stored_text(s, "plenary")


async def test_redis_outage_then_reconvergence_without_reconnecting(
    tmp_path: Path, postgres_url: str
) -> None:
    redis_url = await require_redis()
    target = urlsplit(redis_url)
    async with TcpProxy(target.hostname or "127.0.0.1", target.port or 6379) as proxy:
        proxied = f"redis://127.0.0.1:{proxy.port}/0"
        async with cluster(tmp_path, postgres_url, proxied, 2) as (a, b):
            async with (
                DocumentClient(a.url, "d", a.token("member", "a")) as ca,
                DocumentClient(b.url, "d", b.token("member", "b")) as cb,
            ):
                await type_markers(ca, "before", 3)
                await ca.flush()
                await cb.wait_for(lambda d: "<before.2>" in text_of(d))

                await proxy.cut()  # Redis unreachable for both processes
                during_a = await type_markers(ca, "a", 10)
                during_b = await type_markers(cb, "b", 10)
                # Each process keeps serving (and storing) its own clients meanwhile.
                await ca.flush()
                await cb.flush()
                assert not everything_in(text_of(ca.doc), during_b)

                await proxy.restore()
                both = during_a + during_b
                await ca.wait_for(lambda d: everything_in(text_of(d), both), timeout=30)
                await cb.wait_for(lambda d: everything_in(text_of(d), both), timeout=30)
                assert text_of(ca.doc) == text_of(cb.doc)
                assert ca.sio.connected and cb.sio.connected  # nobody had to reconnect
            assert await stored_text(a, "d") == await stored_text(b, "d") == text_of(ca.doc)


async def test_kill_9_of_one_process_loses_no_acknowledged_edit(
    tmp_path: Path, postgres_url: str
) -> None:
    redis_url = await require_redis()
    async with cluster(tmp_path, postgres_url, redis_url, 2) as (a, b):
        victim = DocumentClient(a.url, "d", a.token("member", "v"), reconnection=False)
        await victim.connect()
        async with DocumentClient(b.url, "d", b.token("member", "w")) as witness:
            acked = await type_markers(victim, "v", 40)
            await victim.flush()
            unacked = await type_markers(victim, "late", 5)  # in flight when the host dies
            a.kill()
            # The delegate's browser reconnects to the surviving process with its doc.
            async with DocumentClient(b.url, "d", b.token("member", "v"), doc=victim.doc) as back:
                await back.flush()
                await witness.wait_for(lambda d: everything_in(text_of(d), acked + unacked))
                assert text_of(back.doc) == text_of(witness.doc)
        assert everything_in(await stored_text(b, "d"), acked + unacked)


async def test_database_outage_withholds_acks_until_durable(
    tmp_path: Path, postgres_url: str
) -> None:
    redis_url = await require_redis()
    target = urlsplit(postgres_url.replace("postgresql+asyncpg", "postgresql"))
    async with TcpProxy(target.hostname or "127.0.0.1", target.port or 5432) as proxy:
        proxied = postgres_url.replace(f":{target.port}/", f":{proxy.port}/")
        async with cluster(tmp_path, proxied, redis_url, 1) as (server,):
            async with (
                DocumentClient(server.url, "d", server.token("member", "m")) as member,
                DocumentClient(server.url, "d", server.token("follower", "f")) as follower,
            ):
                await type_markers(member, "ok", 3)
                await member.flush()
                await proxy.cut()
                during = await type_markers(member, "down", 5)
                # Still served live to the others...
                await follower.wait_for(lambda d: everything_in(text_of(d), during))
                # ...but not acknowledged while it cannot be made durable.
                with pytest.raises(TimeoutError):
                    await member.flush(timeout=1.5)
                assert member.unacknowledged > 0
                await proxy.restore()
                await member.flush(timeout=30)
                assert member.unacknowledged == 0
            assert everything_in(await stored_text(server, "d"), during)


async def test_a_refused_edit_is_put_back_on_every_process(
    tmp_path: Path, postgres_url: str
) -> None:
    """A member on process 0 writes governed state and edits an agreed paragraph; the
    process that received it puts both back, and a client of process 1 (which only
    relays, never guards again) converges to the governed state."""
    redis_url = await require_redis()
    name = "plenary-guarded"
    seeded = updates.new_doc()
    schema.init_document(seeded, title="Rolling text")
    schema.add_paragraph(
        seeded, schema.ParagraphSpec("OP1", "A", text="Agreed words.", id="op1", status="agreed")
    )
    schema.add_paragraph(seeded, schema.ParagraphSpec("OP2", "A", text="Open.", id="op2"))
    governed = schema.to_plain(seeded)
    engine = create_engine(postgres_url)
    try:
        await upgrade(engine)
        log = logging.getLogger("test")
        async with DocumentStore(engine, logger=log, merge=updates.merge) as store:
            await store.ensure(name)
            await store.append(name, seeded.get_update())
    finally:
        await engine.dispose()
    async with cluster(tmp_path, postgres_url, redis_url, 2) as servers:
        a, b = servers
        async with (
            DocumentClient(a.url, name, a.token("member", "tamperer")) as tamperer,
            DocumentClient(b.url, name, b.token("member", "watcher")) as watcher,
        ):
            with tamperer.doc.transaction():
                schema.meta(tamperer.doc)["title"] = "Hijacked"
                schema.index(tamperer.doc)["op2"] = {"label": "X", "status": "agreed"}
                schema.text_root(tamperer.doc, "op1").insert(0, "Not ")
                schema.text_root(tamperer.doc, "op2").insert(0, "Still ")
            await tamperer.flush()
            want = json.loads(json.dumps(governed))
            want["paragraphs"][1]["text"] = "Still Open."
            for client in (tamperer, watcher):
                await client.wait_for(lambda d: schema.to_plain(d) == want, timeout=30)
            assert {e.get("code") for e in tamperer.errors} >= {"paragraph_locked"}
        async with DocumentClient(b.url, name, b.token("follower", "reader")) as reader:
            assert schema.to_plain(reader.doc) == want
