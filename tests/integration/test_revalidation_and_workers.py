"""Access changed outside this process reaches open connections; --workers share a port."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import aiohttp
import pycrdt
import pytest
from sqlalchemy import update

from client import DocumentClient
from server.auth.tokens import Role, TokenSigner
from server.groups.models import Person
from server.keys import ENGINE
from server.settings import Settings
from tests.support.docs import text_of
from tests.support.groups import Group
from tests.support.servers import RunningServer, ServerProcess, run_cli
from tests.support.services import require_redis
from tests.support.ywebsocket import YWebSocketClient


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Access is re-checked every 0.2 s: changes made by other processes arrive soon."""
    return settings.with_(revalidate_seconds=0.2)


async def test_revocation_by_the_cli_closes_open_connections(
    server: RunningServer, group: Group
) -> None:
    """The CLI is another process: no in-process hook sees it; revalidation must."""
    member = group.people["member"]
    async with (
        YWebSocketClient(server.ws_url, group.document, member.token) as ws,
        DocumentClient(server.url, group.document, member.token) as sio,
    ):
        disconnected = asyncio.Event()
        sio.sio.on("disconnect", lambda *_: disconnected.set(), namespace=sio.namespace)
        code, _, err = await run_cli(
            server.settings,
            "member",
            "revoke",
            "--group",
            group.slug,
            "--person",
            str(member.id),
        )
        assert code == 0, err
        assert await ws.wait_closed(timeout=5) == 4403
        await asyncio.wait_for(disconnected.wait(), 5)


async def test_revoked_then_reinstated_between_checks_still_ends_old_connections(
    server: RunningServer, group: Group
) -> None:
    """Reinstating someone gives them new sign-ins, never back the revoked ones, even
    when another process revokes and reinstates between two periodic checks."""
    member = group.people["member"]
    async with YWebSocketClient(server.ws_url, group.document, member.token) as ws:
        await ws.synced.wait()
        # What `member revoke` then `member reinstate` leave behind, written in one go
        # as another process would: active again, token version moved on.
        async with server.app[ENGINE].begin() as db:
            await db.execute(
                update(Person)
                .where(Person.id == member.id)
                .values(token_version=Person.token_version + 1)
            )
        assert await ws.wait_closed(timeout=10) == 4403


async def test_role_change_by_the_cli_downgrades_a_live_connection(
    server: RunningServer, group: Group
) -> None:
    member = group.people["member"]
    async with DocumentClient(server.url, group.document, member.token) as sio:
        code, _, err = await run_cli(
            server.settings,
            "member",
            "role",
            "--group",
            group.slug,
            "--person",
            str(member.id),
            "--role",
            "follower",
        )
        assert code == 0, err
        room = server.rooms.loaded(group.document)
        assert room is not None

        # Revalidation is periodic: poll the server's state, bounded.
        for _ in range(100):
            if all(p.readonly for p in room.peers.values()):
                break
            await asyncio.sleep(0.05)
        assert all(p.readonly for p in room.peers.values())
        before = text_of(room.doc)
        sio.doc.get("t", type=pycrdt.Text).insert(0, "AFTER DOWNGRADE ")
        await sio.flush()
        assert [e["code"] for e in sio.errors] == ["read_only"]
        assert text_of(room.doc) == before
        assert sio.sio.connected, "downgraded, not disconnected"


@pytest.mark.postgres
@pytest.mark.timeout(90)
async def test_workers_share_one_port_and_behave_as_one_server(
    tmp_path: Path, postgres_url: str
) -> None:
    redis_url = await require_redis()
    settings = Settings(data_dir=tmp_path, secret="w", database_url=postgres_url)
    env = {"REDIS_URL": redis_url, "ROLLINGTEXT_REDIS_PREFIX": f"rt-w-{uuid.uuid4().hex[:6]}:"}
    async with ServerProcess(settings, env, args=("--workers", "2")) as server:
        url = server.url
        pids: set[int] = set()
        operator = {"Authorization": "Bearer " + TokenSigner("w").issue("ops", Role.FOLLOWER, 600)}
        # A new connection each time: the kernel spreads them over the workers.
        connector = aiohttp.TCPConnector(force_close=True)
        async with aiohttp.ClientSession(connector=connector) as session:
            for _ in range(400):
                try:
                    # The process id is shown to operator tokens only.
                    async with session.get(f"{url}/healthz", headers=operator) as resp:
                        pids.add((await resp.json())["process"])
                except aiohttp.ClientError:
                    pass
                if len(pids) == 2:
                    break
                await asyncio.sleep(0.05)  # waiting for worker processes to bind the port
        assert len(pids) == 2, "both workers answer on the shared port"
        signer = TokenSigner("w")
        clients = [
            DocumentClient(url, "shared", signer.issue(f"m{i}", Role.MEMBER, 600)) for i in range(6)
        ]
        await asyncio.gather(*(c.connect() for c in clients))
        for i, c in enumerate(clients):
            c.doc.get("t", type=pycrdt.Text).insert(0, f"<{i}>")
        await asyncio.gather(*(c.flush() for c in clients))
        for c in clients:
            await c.wait_for(lambda d: all(f"<{i}>" in text_of(d) for i in range(6)), timeout=15)
        assert len({text_of(c.doc) for c in clients}) == 1
        await asyncio.gather(*(c.close() for c in clients))
        assert await server.terminate() == 0
