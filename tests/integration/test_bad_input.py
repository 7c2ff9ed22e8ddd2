"""Bad input gets a clear error, the offender alone is affected, nothing stored changes."""

from __future__ import annotations

import pycrdt
import pytest

from client import DocumentClient
from crdt import protocol
from server.settings import Settings
from tests.support.docs import stored_text
from tests.support.servers import RunningServer
from tests.support.ywebsocket import YWebSocketClient

LIMIT = 64 * 1024


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.with_(max_message_bytes=LIMIT)


async def witness(server: RunningServer) -> DocumentClient:
    client = DocumentClient(server.url, "doc", server.token("member", "witness"))
    await client.connect()
    client.doc.get("t", type=pycrdt.Text).insert(0, "safe")
    await client.flush()
    return client


async def still_works(server: RunningServer, other: DocumentClient) -> None:
    """The room carries on: a new edit from a healthy client reaches the server and is stored."""
    other.doc.get("t", type=pycrdt.Text).insert(4, " and sound")
    await other.flush()
    assert await stored_text(server.store, "doc") == "safe and sound"


@pytest.mark.parametrize(
    ("event", "payload", "code"),
    [
        ("sync-update", b"\x01\x02garbage", "malformed_update"),
        ("sync-step-2", b"\xff" * 9, "malformed_update"),
        ("sync-update", "not bytes", "bad_input"),
        ("sync-step-1", b"\xff\xff", "malformed_update"),
        ("awareness-update", b"\x01\x01\x01\x03{x}", "bad_input"),
        ("make-me-chair", b"", "bad_input"),
    ],
)
async def test_socketio_bad_payloads(
    server: RunningServer, event: str, payload: object, code: str
) -> None:
    good = await witness(server)
    async with DocumentClient(server.url, "doc", server.token()) as bad:
        answer = await bad.send_raw(event, payload)
        assert answer["error"]["code"] == code
        await bad.wait_for(lambda d: bool(bad.errors))
        assert bad.errors[0]["code"] == code and bad.errors[0]["message"]
        assert bad.sio.connected
    await still_works(server, good)
    await good.close()


async def test_socketio_oversized_message_disconnects_only_the_sender(
    server: RunningServer,
) -> None:
    good = await witness(server)
    bad = DocumentClient(server.url, "doc", server.token(), reconnection=False)
    await bad.connect()
    doc = pycrdt.Doc()
    doc.get("t", type=pycrdt.Text).insert(0, "x" * (LIMIT * 2))
    await bad.sio.emit("sync-update", doc.get_update(), namespace=bad.namespace)
    await bad.sio.wait()  # returns once the server has dropped the connection
    assert not bad.sio.connected
    await still_works(server, good)
    assert "x" * 100 not in await stored_text(server.store, "doc")
    await good.close()


@pytest.mark.parametrize(
    ("frame", "close_code"),
    [
        (b"\x07garbage", 4400),  # unknown message type
        (b"\x00\x02\x05\x00", 4400),  # truncated
        (protocol.sync_update(b"\x01\x02garbage"), 4400),  # framing fine, update malformed
        ("text is not y-protocols", 4400),
        (protocol.sync_update(b"y" * (LIMIT * 2)), 1009),  # too big
    ],
)
async def test_websocket_garbage_closes_only_the_offender(
    server: RunningServer, frame: bytes | str, close_code: int
) -> None:
    good = await witness(server)
    async with YWebSocketClient(server.ws_url, "doc", server.token()) as bad:
        await bad.send(frame)
        assert await bad.wait_closed() == close_code
    await still_works(server, good)
    await good.close()
