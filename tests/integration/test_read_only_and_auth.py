"""Followers read live but cannot write; bad tokens are refused, on both transports."""

from __future__ import annotations

import pycrdt
import pytest

from client import DocumentClient, SyncError
from crdt import protocol
from crdt.awareness import AwarenessEntry, encode_update
from server.auth.tokens import Role, TokenSigner
from tests.support.docs import stored_text, text_of
from tests.support.servers import RunningServer
from tests.support.ywebsocket import YWebSocketClient


async def test_socketio_follower_reads_live_and_cannot_write(server: RunningServer) -> None:
    async with DocumentClient(server.url, "doc", server.token("member", "chair")) as member:
        member.doc.get("t", type=pycrdt.Text).insert(0, "agreed text")
        await member.flush()
        async with DocumentClient(server.url, "doc", server.token("follower", "remote")) as f:
            assert text_of(f.doc) == "agreed text"
            f.doc.get("t", type=pycrdt.Text).insert(0, "FOLLOWER ")
            await f.flush()
            assert [e["code"] for e in f.errors] == ["read_only"]
            member.doc.get("t", type=pycrdt.Text).insert(0, "live ")
            await f.wait_for(lambda d: "live" in text_of(d))
            room = server.rooms.loaded("doc")
            assert room is not None
            assert "FOLLOWER" not in text_of(room.doc)
            assert "FOLLOWER" not in text_of(member.doc)
            assert room.stats.dropped_writes == 1
    stored = await stored_text(server.store, "doc")
    assert "agreed text" in stored and "FOLLOWER" not in stored


async def test_websocket_follower_reads_live_and_cannot_write(server: RunningServer) -> None:
    async with DocumentClient(server.url, "doc", server.token("member", "chair")) as member:
        member.doc.get("t", type=pycrdt.Text).insert(0, "agreed")
        await member.flush()
        async with YWebSocketClient(server.ws_url, "doc", server.token("follower", "r")) as f:
            await f.wait_for(lambda d: text_of(d) == "agreed")
            f.doc.get("t", type=pycrdt.Text).insert(0, "FOLLOWER ")
            await f.wait_for(lambda d: f.permission_denied == 1)
            # Its awareness is accepted: the member sees the follower's presence, under
            # the name the follower's token carries (the server writes names).
            entry = AwarenessEntry(f.doc.client_id, 1, '{"user":{"name":"remote"}}')
            await f.send(protocol.awareness(encode_update([entry])))
            await member.wait_for(
                lambda d: any(b'"name":"r"' in a for a in member.awareness_updates)
            )
            member.doc.get("t", type=pycrdt.Text).insert(6, " live")
            await f.wait_for(lambda d: "live" in text_of(d))
            assert f.close_code is None, "the follower stays connected"
            room = server.rooms.loaded("doc")
            assert room is not None
            assert text_of(room.doc) == "agreed live" == text_of(member.doc)
            assert room.stats.dropped_writes >= 1


def expired_token(server: RunningServer) -> str:
    return TokenSigner("test-secret").issue("late", Role.MEMBER, 1, now=1_000_000)


@pytest.mark.parametrize(
    ("make_token", "code"),
    [
        (lambda s: None, "unauthenticated"),
        (lambda s: "garbage", "unauthenticated"),
        (lambda s: "é.abc", "unauthenticated"),  # non-ASCII: refused, not a crash
        (lambda s: "abc.é", "unauthenticated"),
        (lambda s: TokenSigner("forged").issue("m", Role.CHAIR, 60), "unauthenticated"),
        (expired_token, "token_expired"),
    ],
)
async def test_bad_tokens_are_refused(server: RunningServer, make_token, code: str) -> None:  # type: ignore[no-untyped-def]
    token = make_token(server)
    with pytest.raises(SyncError) as refused:
        await DocumentClient(server.url, "doc", token, reconnection=False).connect()
    assert refused.value.code == code
    async with YWebSocketClient(server.ws_url, "doc", token) as ws:
        assert await ws.wait_closed() == 4401
    assert server.rooms.loaded("doc") is None, "a refused connection creates nothing"


async def test_follower_cannot_create_documents(server: RunningServer) -> None:
    with pytest.raises(SyncError) as refused:
        await DocumentClient(
            server.url, "nope", server.token("follower"), reconnection=False
        ).connect()
    assert refused.value.code == "not_found"
    async with YWebSocketClient(server.ws_url, "nope", server.token("follower")) as ws:
        assert await ws.wait_closed() == 4404
    assert await server.store.load("nope") is None


async def test_invalid_document_name(server: RunningServer) -> None:
    with pytest.raises(SyncError) as refused:
        await DocumentClient(server.url, "../etc", server.token(), reconnection=False).connect()
    assert refused.value.code == "bad_input"
    async with YWebSocketClient(server.ws_url, "-bad", server.token()) as ws:
        assert await ws.wait_closed() == 4400
