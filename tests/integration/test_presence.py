"""Presence (awareness) is bounded, owned and validated, on both transports.

Each test runs the real server with real clients: a publisher that misbehaves
over y-websocket (``/ws``) or Socket.IO (``awareness-update``), and a witness that
sees what everyone else would see.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from functools import cache
from typing import Any, Protocol

import aiohttp
import pytest

from client import DocumentClient
from crdt import protocol
from crdt.awareness import NULL_STATE, AwarenessEntry, decode_update, encode_update
from server.groups.colours import NEUTRAL, PALETTE, light
from server.settings import Settings
from tests.support.groups import Group
from tests.support.servers import RunningServer, serve_in_process
from tests.support.ywebsocket import YWebSocketClient

TRANSPORTS = ["ws", "sio"]


def state(name: str, color: str = "#1f77b4", **user: Any) -> str:
    return json.dumps({"user": {"name": name, "color": color, **user}, "cursor": None})


def latest(updates: list[bytes]) -> dict[int, AwarenessEntry]:
    """What a Yjs client would hold after these updates: the newest entry per client."""
    seen: dict[int, AwarenessEntry] = {}
    for update in updates:
        for entry in decode_update(update):
            current = seen.get(entry.client_id)
            if current is None or entry.clock >= current.clock:
                seen[entry.client_id] = entry
    return seen


def user_of(entry: AwarenessEntry | None) -> dict[str, Any] | None:
    if entry is None or entry.state == NULL_STATE:
        return None
    user = json.loads(entry.state).get("user")
    assert isinstance(user, dict)
    return user


@cache
def huge_update() -> bytes:
    """About 1.7 MiB: the issue's stalling frame (250,000 tiny entries)."""
    return encode_update(AwarenessEntry(i, 1, "{}") for i in range(250_000))


class Publisher(Protocol):
    client_id: int

    async def publish(self, update: bytes) -> None: ...

    async def refused(self) -> str | int:
        """The refusal: a Socket.IO error code, or a WebSocket close code."""


class WsPublisher:
    def __init__(self, client: YWebSocketClient) -> None:
        self.client = client
        self.client_id = client.doc.client_id

    async def publish(self, update: bytes) -> None:
        await self.client.send(protocol.awareness(update))

    async def refused(self) -> str | int:
        code = await self.client.wait_closed(timeout=20)
        assert code is not None
        return code


class SioPublisher:
    def __init__(self, client: DocumentClient) -> None:
        self.client = client
        self.client_id = client.doc.client_id
        self.answers: list[Any] = []

    async def publish(self, update: bytes) -> None:
        self.answers.append(await self.client.send_raw("awareness-update", update, timeout=20))

    async def refused(self) -> str | int:
        errors = [a["error"]["code"] for a in self.answers if isinstance(a, dict)]
        assert len(errors) == 1, self.answers
        assert self.answers[-1] is not None, "the last message is the refused one"
        assert self.client.errors and self.client.errors[-1]["code"] == errors[0]
        return str(errors[0])


@asynccontextmanager
async def publisher(
    kind: str, server: RunningServer, document: str, token: str | None
) -> AsyncIterator[Publisher]:
    if kind == "ws":
        async with YWebSocketClient(server.ws_url, document, token) as ws:
            await ws.synced.wait()
            yield WsPublisher(ws)
    else:
        assert token is not None
        async with DocumentClient(server.url, document, token) as sio:
            yield SioPublisher(sio)


async def healthz(server: RunningServer) -> int:
    async with aiohttp.ClientSession() as session, session.get(f"{server.url}/healthz") as resp:
        return resp.status


def sees(witness: DocumentClient, client_id: int, check: Callable[[Any], bool]) -> bool:
    return check(user_of(latest(witness.awareness_updates).get(client_id)))


# -- bounded ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", TRANSPORTS)
@pytest.mark.parametrize(
    "frame",
    [
        pytest.param(huge_update, id="250k-entries-1.7MiB"),
        pytest.param(
            lambda: encode_update(AwarenessEntry(i, 1, "{}") for i in range(1000)),
            id="1000-entries",
        ),
        pytest.param(
            lambda: encode_update([AwarenessEntry(7, 1, state("x", pad="p" * 8000))]),
            id="8KiB-state",
        ),
    ],
)
async def test_an_oversized_awareness_message_is_refused_unapplied(
    server: RunningServer, kind: str, frame: Callable[[], bytes]
) -> None:
    async with DocumentClient(server.url, "doc", server.token("member", "witness")) as witness:
        async with publisher(kind, server, "doc", server.token("follower", "flood")) as bad:
            await bad.publish(frame())
            assert await bad.refused() == (4400 if kind == "ws" else "presence_too_large")
            assert await healthz(server) == 200
        room = server.rooms.loaded("doc")
        assert room is not None
        assert room.awareness.size == 0, "nothing of the refused message was kept"
        assert witness.awareness_updates == []


@pytest.fixture
async def strict_server(settings: Settings) -> AsyncIterator[RunningServer]:
    """Five awareness tokens per connection, and (practically) no refill."""
    limited = settings.with_(awareness_burst_tokens=5, awareness_tokens_per_second=0.001)
    async with serve_in_process(limited) as running:
        yield running


@pytest.mark.parametrize("kind", TRANSPORTS)
async def test_a_burst_of_awareness_messages_is_cut_off(
    strict_server: RunningServer, kind: str
) -> None:
    server = strict_server
    async with publisher(kind, server, "doc", server.token("member", "burst")) as bad:
        for clock in range(1, 7):
            await bad.publish(encode_update([AwarenessEntry(bad.client_id, clock, state("b"))]))
        assert await bad.refused() == (4429 if kind == "ws" else "rate_limited")
        assert await healthz(server) == 200
        if kind == "sio":
            room = server.rooms.loaded("doc")
            assert room is not None
            entry = room.awareness.get(bad.client_id)
            assert entry is not None and entry.clock == 5, "the sixth was not applied"


@pytest.mark.parametrize("kind", TRANSPORTS)
async def test_a_connection_publishes_a_bounded_number_of_states(
    server: RunningServer, kind: str
) -> None:
    async with publisher(kind, server, "doc", server.token("member", "many")) as bad:
        first = [AwarenessEntry(bad.client_id + i, 1, state("m")) for i in range(4)]
        await bad.publish(encode_update(first))
        await bad.publish(encode_update([AwarenessEntry(bad.client_id + 4, 1, state("m"))]))
        assert await bad.refused() == (4400 if kind == "ws" else "presence_too_large")
        room = server.rooms.loaded("doc")
        if kind == "sio":
            assert room is not None
            assert {e.client_id for e in room.awareness.present()} == {e.client_id for e in first}


# -- validated ---------------------------------------------------------------------


OVERLAY = "red;position:fixed;inset:0;background-image:url(https://evil.example/x)"


@pytest.mark.parametrize("kind", TRANSPORTS)
@pytest.mark.parametrize(
    "bad_state",
    [
        pytest.param(state("x", color=OVERLAY), id="css-in-color"),
        pytest.param(state("x", colorLight="url(https://evil.example/x)"), id="css-in-colorLight"),
        pytest.param(state("x", color="#12345"), id="five-hex-digits"),
        pytest.param(state("x" * 1000), id="long-name"),
        pytest.param(json.dumps({"user": {"name": 42}}), id="name-not-text"),
        pytest.param(json.dumps({"user": "Chair"}), id="user-not-object"),
        pytest.param("[1, 2]", id="state-not-object"),
    ],
)
async def test_bad_presence_fields_are_refused(
    server: RunningServer, kind: str, bad_state: str
) -> None:
    async with DocumentClient(server.url, "doc", server.token("member", "witness")) as witness:
        async with publisher(kind, server, "doc", server.token("member", "m")) as bad:
            await bad.publish(encode_update([AwarenessEntry(bad.client_id, 1, bad_state)]))
            assert await bad.refused() == (4400 if kind == "ws" else "bad_presence")
        room = server.rooms.loaded("doc")
        assert room is not None and room.awareness.size == 0
        assert witness.awareness_updates == []


# -- owned -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", TRANSPORTS)
async def test_a_follower_cannot_replace_or_remove_a_members_presence(
    server: RunningServer, kind: str
) -> None:
    async with AsyncExitStack() as stack:
        member = await stack.enter_async_context(
            DocumentClient(server.url, "doc", server.token("member", "Delegate"))
        )
        witness = await stack.enter_async_context(
            DocumentClient(server.url, "doc", server.token("member", "witness"))
        )
        mid = member.doc.client_id
        mine = encode_update([AwarenessEntry(mid, 3, state("Delegate"))])
        assert await member.send_raw("awareness-update", mine) is None
        await witness.wait_for(lambda _: sees(witness, mid, lambda u: u is not None))
        spy = await stack.enter_async_context(
            publisher(kind, server, "doc", server.token("follower", "Remote"))
        )
        chair = state("Chair of the Working Group", color="#d62728")
        await spy.publish(encode_update([AwarenessEntry(mid, 10, chair)]))
        await spy.publish(encode_update([AwarenessEntry(mid, 11, NULL_STATE)]))
        # Its own state last: once the witness has it, anything earlier was handled.
        await spy.publish(encode_update([AwarenessEntry(spy.client_id, 1, chair)]))
        await witness.wait_for(lambda _: sees(witness, spy.client_id, lambda u: u is not None))

        seen = latest(witness.awareness_updates)
        assert seen[mid].clock == 3 and user_of(seen[mid]) == {
            "name": "Delegate",
            "person": "Delegate",
            "delegation": "",
            "color": NEUTRAL,  # an operator token speaks for no delegation
            "colorLight": light(NEUTRAL),
        }
        # Its own state is shown under its own name and colour, whatever it claimed.
        assert user_of(seen[spy.client_id]) == {
            "name": "Remote",
            "person": "Remote",
            "delegation": "",
            "color": NEUTRAL,
            "colorLight": light(NEUTRAL),
        }
        assert not any(b"Chair of the Working Group" in u for u in witness.awareness_updates)
        if isinstance(spy, WsPublisher):
            assert spy.client.close_code is None, "echo-like entries do not end a connection"
        else:
            assert spy.answers == [None, None, None]

        # The member's presence goes when the member leaves, not before.
        await member.sio.disconnect()
        await witness.wait_for(lambda _: sees(witness, mid, lambda u: u is None))


async def test_an_anonymous_follower_cannot_present_itself_as_an_officer(
    server: RunningServer, group: Group
) -> None:
    member = DocumentClient(server.url, group.document, group.token("member"))
    async with member, YWebSocketClient(server.ws_url, group.document, None) as anonymous:
        await anonymous.synced.wait()
        claim = state(
            "Chair of the Working Group", person="Chair", delegation="Bureau", role="chair"
        )
        entry = AwarenessEntry(anonymous.doc.client_id, 1, claim)
        await anonymous.send(protocol.awareness(encode_update([entry])))
        await member.wait_for(
            lambda _: sees(member, anonymous.doc.client_id, lambda u: u is not None)
        )
        shown = user_of(latest(member.awareness_updates)[anonymous.doc.client_id])
        assert shown == {
            "name": "remote participant",
            "person": "remote participant",
            "delegation": "",
            "color": NEUTRAL,
            "colorLight": light(NEUTRAL),
        }
        # And the member appears with the delegation the server knows, not a claim.
        mine = AwarenessEntry(member.doc.client_id, 1, state("me", delegation="Bureau"))
        assert await member.send_raw("awareness-update", encode_update([mine])) is None
        await anonymous.wait_for(lambda _: member.doc.client_id in latest(anonymous.awareness))
        assert user_of(latest(anonymous.awareness)[member.doc.client_id]) == {
            "name": "Delegate of Brazil (Brazil)",
            "person": "Delegate of Brazil",
            "delegation": "Brazil",
            "color": PALETTE[0],  # the group's first delegation
            "colorLight": light(PALETTE[0]),
        }
