"""A room compacts its log as it grows and unloads after its last client leaves."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pycrdt
import pytest

from client import DocumentClient
from server.settings import Settings
from tests.support.docs import text_of
from tests.support.servers import RunningServer, serve_in_process


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A room that compacts its log soon."""
    return settings.with_(compact_after_updates=20, compact_idle_seconds=0.2)


async def until(predicate, timeout: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    """Poll server-side state that has no event of its own.

    The bound only catches a hang (under pytest-timeout's 120 s): on a busy machine
    the final store can take seconds, and nothing here is a speed assertion.
    """
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


async def test_a_room_counts_as_loaded_until_its_final_store_is_done(tmp_path: Path) -> None:
    """The unload's final compaction is held back: meanwhile the room must still be
    loaded, so that "unloaded" means "stored for good" (it used to leave the registry
    first, and a reader could see the log not yet compacted: a flaky test under load)."""
    settings = Settings(
        data_dir=tmp_path / "data",
        secret="s",
        room_linger_seconds=0.05,
        compact_idle_seconds=3600,  # only the final store compacts
    )
    async with serve_in_process(settings) as server:
        store = server.store
        compact = store.compact
        started, release = asyncio.Event(), asyncio.Event()

        async def held_back_compact(name: str) -> int:
            started.set()
            await release.wait()
            return await compact(name)

        store.compact = held_back_compact  # type: ignore[method-assign]
        async with DocumentClient(server.url, "brief", server.token()) as client:
            client.doc.get("t", type=pycrdt.Text).insert(0, "kept")
            await client.flush()
        try:
            await asyncio.wait_for(started.wait(), 60)
            assert server.rooms.loaded("brief") is not None, "unloaded before its final store"
        finally:
            release.set()

        async def unloaded() -> bool:
            return server.rooms.loaded("brief") is None

        await until(unloaded)
        info = await store.info("brief")
        assert info is not None and info.pending_updates == 0
