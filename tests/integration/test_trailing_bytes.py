"""A valid update followed by garbage is refused whole on every transport and never stored.

Yrs applies the valid prefix of such a frame and ignores the rest, so before the
check an update with a megabyte of random bytes appended was acknowledged ``ok``
and the megabyte was written to the update log.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import pycrdt
import pytest

from client import DocumentClient
from crdt import protocol, updates
from tests.support.docs import TEXT_ROOT, stored_text, text_of
from tests.support.servers import RunningServer
from tests.support.ywebsocket import YWebSocketClient

GARBAGE = 1 << 20


def evil_update() -> bytes:
    """A valid update inserting ``evil``, then 1 MiB of random bytes."""
    doc = updates.new_doc()
    doc.get(TEXT_ROOT, type=pycrdt.Text).insert(0, "evil")
    return doc.get_update() + os.urandom(GARBAGE)


async def stored_size(server: RunningServer) -> tuple[int, int]:
    """Rows (snapshot and log) and bytes the store holds for ``doc``."""
    stored = await server.store.load("doc")
    assert stored is not None
    return len(stored.parts), sum(len(part) for part in stored.parts)


async def witness(server: RunningServer) -> DocumentClient:
    client = DocumentClient(server.url, "doc", server.token("member", "witness"))
    await client.connect()
    client.doc.get(TEXT_ROOT, type=pycrdt.Text).insert(0, "safe")
    await client.flush()
    return client


async def nothing_changed(
    server: RunningServer, good: DocumentClient, before: tuple[int, int]
) -> None:
    """The store holds what it held; the witness's next edit is stored and the only change."""
    assert await stored_size(server) == before
    good.doc.get(TEXT_ROOT, type=pycrdt.Text).insert(4, " and sound")
    await good.flush()
    assert await stored_text(server.store, "doc") == "safe and sound"
    _, size = await stored_size(server)
    assert size < before[1] + GARBAGE // 2
    assert "evil" not in text_of(good.doc)


@pytest.mark.parametrize("event", ["sync-update", "sync-step-2"])
async def test_socketio_update_with_trailing_bytes_is_refused(
    server: RunningServer, event: str
) -> None:
    good = await witness(server)
    before = await stored_size(server)
    async with DocumentClient(server.url, "doc", server.token()) as bad:
        answer = await bad.send_raw(event, evil_update())
        assert answer["error"]["code"] == "malformed_update"
        assert "unexpected bytes after the update" in answer["error"]["message"]
        assert bad.sio.connected  # as for any malformed update: refused, connection kept
    await nothing_changed(server, good, before)
    await good.close()


class AnswersWithTrailingBytes(DocumentClient):
    """Answers the server's sync-step-1 (through the ack) with a padded update."""

    def _on_sync_step1(self, state_vector: bytes) -> bytes:
        return evil_update()


async def test_socketio_sync_step_1_answer_with_trailing_bytes_is_refused(
    server: RunningServer,
) -> None:
    good = await witness(server)
    before = await stored_size(server)
    async with AnswersWithTrailingBytes(server.url, "doc", server.token()) as bad:
        await bad.wait_for(lambda _: bool(bad.errors))
        assert bad.errors[0]["code"] == "malformed_update"
    await nothing_changed(server, good, before)
    await good.close()


@pytest.mark.parametrize("frame", [protocol.sync_update, protocol.sync_step2])
async def test_websocket_update_with_trailing_bytes_closes_the_sender(
    server: RunningServer, frame: Callable[[bytes], bytes]
) -> None:
    good = await witness(server)
    before = await stored_size(server)
    async with YWebSocketClient(server.ws_url, "doc", server.token()) as bad:
        await bad.send(frame(evil_update()))
        assert await bad.wait_closed() == 4400  # as for any malformed update
    await nothing_changed(server, good, before)
    await good.close()
