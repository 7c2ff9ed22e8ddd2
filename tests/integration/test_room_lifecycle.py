"""A room compacts its log as it grows and unloads after its last client leaves."""

from __future__ import annotations

import asyncio

import pycrdt
import pytest

from client import DocumentClient
from server.settings import Settings
from tests.support.docs import text_of
from tests.support.servers import RunningServer


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A room that compacts its log soon."""
    return settings.with_(compact_after_updates=20, compact_idle_seconds=0.2)


async def until(predicate, timeout: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    """Poll server-side state that has no event of its own (bounded)."""
    for _ in range(int(timeout / 0.02)):
        if await predicate():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition not reached")


async def test_log_is_compacted_as_it_grows_and_nothing_is_lost(
    server: RunningServer,
) -> None:
    async with DocumentClient(server.url, "grow", server.token()) as client:
        text = client.doc.get("t", type=pycrdt.Text)
        for n in range(100):
            text.insert(len(text), f"<{n}>")
            if n % 10 == 9:
                await client.flush()
        await client.flush()

        async def compacted() -> bool:
            info = await server.store.info("grow")
            return info is not None and info.snapshot_bytes > 0 and info.pending_updates < 20

        await until(compacted)
        expected = text_of(client.doc)
    stored = await server.store.load("grow")
    assert stored is not None
    doc = pycrdt.Doc()
    for update in [stored.snapshot or b"\x00\x00", *stored.updates]:
        doc.apply_update(update)
    assert text_of(doc) == expected == "".join(f"<{n}>" for n in range(100))


async def test_room_unloads_after_the_last_client_and_reloads_intact(
    server: RunningServer,
) -> None:
    async with DocumentClient(server.url, "brief", server.token()) as client:
        client.doc.get("t", type=pycrdt.Text).insert(0, "kept")
        await client.flush()
        assert server.rooms.loaded("brief") is not None

    async def unloaded() -> bool:
        return server.rooms.loaded("brief") is None

    await until(unloaded)
    info = await server.store.info("brief")
    assert info is not None and info.pending_updates == 0, "the final store compacted the log"
    async with DocumentClient(server.url, "brief", server.token("follower")) as again:
        assert text_of(again.doc) == "kept"
