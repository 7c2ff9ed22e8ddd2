"""Every acknowledged edit survives ``kill -9`` and a restart, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pycrdt
import pytest

from client import DocumentClient
from server.settings import Settings
from tests.support.docs import text_of
from tests.support.servers import ServerProcess, free_port
from tests.support.ywebsocket import YWebSocketClient

pytestmark = pytest.mark.timeout(90)


async def type_and_get_acks(server: ServerProcess, writers: int, edits: int) -> list[str]:
    """Several members type concurrently; return the markers whose edits were acknowledged."""
    clients = [
        DocumentClient(server.url, "plenary", server.token("member", f"m{i}"), reconnection=False)
        for i in range(writers)
    ]
    await asyncio.gather(*(c.connect() for c in clients))

    async def type_(index: int, client: DocumentClient) -> list[str]:
        text = client.doc.get("t", type=pycrdt.Text)
        markers = []
        for n in range(edits):
            marker = f"<{index}.{n}>"
            text.insert(len(text), marker)
            markers.append(marker)
            if n % 10 == 9:
                await client.flush()
        await client.flush()
        return markers

    acked = await asyncio.gather(*(type_(i, c) for i, c in enumerate(clients)))
    # Unacknowledged in-flight edits of an ongoing burst: the crash may take these.
    for c in clients:
        c.doc.get("t", type=pycrdt.Text).insert(0, "[in flight]")
    return [m for markers in acked for m in markers]


async def crash_and_recover(settings: Settings) -> None:
    server = ServerProcess(settings.with_(port=free_port()))
    await server.start()
    try:
        acked = await type_and_get_acks(server, writers=4, edits=60)
    finally:
        server.kill()
    restarted = ServerProcess(settings.with_(port=free_port()))
    async with restarted:
        async with DocumentClient(restarted.url, "plenary", restarted.token("follower")) as reader:
            recovered = text_of(reader.doc)
    missing = [m for m in acked if m not in recovered]
    assert not missing, f"{len(missing)} acknowledged edits lost after kill -9: {missing[:5]}"


async def test_kill_9_keeps_acknowledged_edits_sqlite(tmp_path: Path) -> None:
    await crash_and_recover(Settings(data_dir=tmp_path / "data", secret="s"))


@pytest.mark.postgres
async def test_kill_9_keeps_acknowledged_edits_postgres(tmp_path: Path, postgres_url: str) -> None:
    await crash_and_recover(
        Settings(data_dir=tmp_path / "data", secret="s", database_url=postgres_url)
    )


async def test_sigterm_stores_everything_and_exits_cleanly(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", secret="s")
    server = ServerProcess(settings.with_(port=free_port()))
    await server.start()
    ws_url = server.url.replace("http", "ws") + "/ws"
    async with (
        DocumentClient(server.url, "d", server.token("member", "w"), reconnection=False) as w,
        DocumentClient(server.url, "d", server.token("follower", "r"), reconnection=False) as r,
        YWebSocketClient(ws_url, "d", server.token("follower", "y")) as y,
    ):
        text = w.doc.get("t", type=pycrdt.Text)
        for n in range(200):
            text.insert(len(text), f"<{n}>")
        # Not waiting for acks: once the follower has seen it, the server has applied it.
        await r.wait_for(lambda d: "<199>" in text_of(d))
        await y.wait_for(lambda d: "<199>" in text_of(d))
        assert await server.terminate() == 0
        assert await y.wait_closed() == 1001, "clients are told the server is going away"
    async with ServerProcess(settings.with_(port=free_port())) as restarted:
        async with DocumentClient(restarted.url, "d", restarted.token("follower")) as reader:
            assert text_of(reader.doc) == "".join(f"<{n}>" for n in range(200))
