"""Unauthenticated and cheap abuse against a real server: rate limits per client
address and per person, bounded comment history, slow clients, bounded logs.

Limits are refilled by moving a limiter's clock, never by waiting.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import aiohttp
import pytest

from server.keys import LIMITS
from server.settings import Settings
from tests.support.groups import Api, build_group, invite, observer_request_body
from tests.support.servers import RunningServer, ServerProcess, serve_in_process


async def new_group(api: Api, server: RunningServer, slug: str) -> int:
    made = await api.ok(
        "POST", "/api/groups", server.token("chair", "op"), {"slug": slug, "name": slug}
    )
    gid: int = made["id"]
    return gid


FORGED = {"X-Forwarded-For": "192.0.2.9"}


def moved_clock(limiter: Any, seconds: float) -> None:
    real = limiter.clock
    limiter.clock = lambda: real() + seconds


# -- observer requests (public) --------------------------------------------------------


async def test_observer_requests_are_limited_per_address(
    server: RunningServer, api: Api, settings: Settings
) -> None:
    gid = await new_group(api, server, "flooded")
    path = f"/api/groups/{gid}/observer-requests"
    burst = settings.observer_requests_burst
    replies = [
        await api.call("POST", path, None, observer_request_body(f"Org {n}"))
        for n in range(burst + 1)
    ]
    assert [r.status for r in replies] == [201] * burst + [429]
    limited = replies[-1]
    assert limited.code == "rate_limited"
    assert int(limited.headers["Retry-After"]) >= 1
    assert limited.error["details"]["retry_after"] > 0
    # No proxy is trusted by default: a forged X-Forwarded-For is another try from
    # the same address, refused alike.
    forged = await api.call(
        "POST",
        path,
        None,
        observer_request_body("Forged"),
        headers={"X-Forwarded-For": "192.0.2.9"},
    )
    assert forged.status == 429
    listing = await api.ok("GET", path, server.token("chair", "op"))
    assert sorted(r["organization"] for r in listing["requests"]) == [
        f"Org {n}" for n in range(burst)
    ], "nothing was created past the limit"
    # Once the bucket has refilled by one, one more request is accepted.
    assert server.app is not None
    moved_clock(server.app[LIMITS].observer_requests, 60 / settings.observer_requests_per_minute)
    assert (await api.call("POST", path, None, observer_request_body("Later"))).status == 201
    assert (await api.call("POST", path, None, observer_request_body("Again"))).status == 429


@pytest.fixture
def behind_proxy(settings: Settings) -> Settings:
    return settings.with_(trusted_proxies=("127.0.0.1",), observer_pending_per_group=3)


async def test_pending_observer_requests_are_capped_per_group_behind_a_proxy(
    behind_proxy: Settings,
) -> None:
    async with serve_in_process(behind_proxy) as server, Api.open(server.url) as api:
        gid = await new_group(api, server, "queue")
        path = f"/api/groups/{gid}/observer-requests"

        async def ask(organization: str, client: str) -> Any:
            return await api.call(
                "POST",
                path,
                None,
                observer_request_body(organization),
                headers={"X-Forwarded-For": f"{client}, 127.0.0.1"},
            )

        # Behind a trusted proxy each client is limited by its own address.
        assert behind_proxy.observer_requests_burst == 5
        statuses = [(await ask(f"First {n}", "198.51.100.1")).status for n in range(6)]
        assert statuses == [201, 201, 201, 409, 409, 429]
        accepted = await api.ok("GET", path, server.token("chair", "op"))
        assert len(accepted["requests"]) == 3, "at most 3 pending requests"
        full = await ask("Second", "198.51.100.2")
        assert (full.status, full.code) == (409, "queue_full")
        assert full.error["details"]["pending"] == 3
        # Once the group decides one, the queue has room again.
        first = accepted["requests"][0]["id"]
        await api.ok(
            "POST",
            f"{path}/{first}/decision",
            server.token("chair", "op"),
            {"decision": "rejected", "meeting": "WGEC-3", "note": "not ECOSOC-accredited"},
        )
        assert (await ask("Second", "198.51.100.2")).status == 201


# -- invitation links ------------------------------------------------------------------


async def test_failed_invitation_links_are_limited_but_good_ones_are_not(
    behind_proxy: Settings,
) -> None:
    settings = behind_proxy.with_(invite_failures_burst=3)
    async with serve_in_process(settings) as server, Api.open(server.url) as api:
        gid = await new_group(api, server, "links")
        op = server.token("chair", "op")
        # A room of delegates behind one venue address open their own links: never refused.
        for n in range(settings.invite_failures_burst + 2):
            person = await api.ok(
                "POST",
                f"/api/groups/{gid}/people",
                op,
                {"name": f"Delegate {n}", "role": "follower"},
            )
            await invite(api, gid, person["id"], op)
        guesser = {"X-Forwarded-For": "203.0.113.5"}
        for _ in range(3):
            miss = await api.call("GET", f"/invite/{secrets.token_urlsafe(24)}", headers=guesser)
            assert 400 <= miss.status < 500 and miss.status != 429
        limited = await api.call("GET", f"/invite/{secrets.token_urlsafe(24)}", headers=guesser)
        assert (limited.status, limited.code) == (429, "rate_limited")
        assert int(limited.headers["Retry-After"]) >= 1
        # Another address is not affected.
        person = await api.ok(
            "POST", f"/api/groups/{gid}/people", op, {"name": "Late delegate", "role": "follower"}
        )
        await invite(api, gid, person["id"], op)


# -- connections -----------------------------------------------------------------------


async def test_new_connections_are_limited_per_address(settings: Settings) -> None:
    limited = settings.with_(connections_burst=3)
    async with serve_in_process(limited) as server, aiohttp.ClientSession() as http:
        for _ in range(3):  # refused (no token), but each one counts
            async with http.ws_connect(f"{server.ws_url}/doc") as ws:
                assert (await ws.receive()).type is aiohttp.WSMsgType.CLOSE
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(f"{server.ws_url}/doc")
        assert refused.value.status == 429
        async with http.get(f"{server.url}/socket.io/?EIO=4&transport=polling") as handshake:
            assert handshake.status == 429
            assert int(handshake.headers["Retry-After"]) >= 1
            assert (await handshake.json())["error"]["code"] == "rate_limited"
        async with http.get(f"{server.url}/healthz") as health:
            assert health.status == 200, "other requests are not limited"


async def test_open_connections_are_capped_per_address(settings: Settings) -> None:
    capped = settings.with_(max_requests_per_address=2)
    async with serve_in_process(capped) as server, aiohttp.ClientSession() as http:
        url = f"{server.ws_url}/capped?token={server.token('member')}"
        first = await http.ws_connect(url)
        second = await http.ws_connect(url)
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(url)
        assert refused.value.status == 429
        await first.close()
        # Once one is closed (and its handler has returned), a new one is accepted.
        assert server.app is not None
        in_progress = server.app[LIMITS].in_progress
        for _ in range(250):  # server-side state with no event of its own: poll, bounded
            if sum(in_progress.values()) < 2:
                break
            await asyncio.sleep(0.02)
        third = await http.ws_connect(url)
        await second.close()
        await third.close()


# -- comment edits ---------------------------------------------------------------------


@pytest.fixture
def few_edits(settings: Settings) -> Settings:
    return settings.with_(comment_edits_burst=8, comment_history_kept=3)


async def test_comment_edits_are_limited_and_their_history_bounded(few_edits: Settings) -> None:
    async with serve_in_process(few_edits) as server, Api.open(server.url) as api:
        group = await build_group(api, server.token("chair", "op"), seed_text=None)
        member = group.token("member")
        comments = f"/api/documents/{group.document}/comments"
        made = await api.ok("POST", comments, member, {"body": "Version 0"})
        path = f"{comments}/{made['id']}"
        for n in range(1, 9):
            await api.ok("PATCH", path, member, {"body": f"Version {n}"})
        refused = await api.call("PATCH", path, member, {"body": "Version 9"})
        assert (refused.status, refused.code) == (429, "rate_limited")
        assert int(refused.headers["Retry-After"]) >= 1
        shown = await api.ok("GET", path, member)
        assert shown["body"] == "Version 8", "the refused edit changed nothing"
        assert [h["previous_body"] for h in shown["history"]] == [
            "Version 5",
            "Version 6",
            "Version 7",
        ], "only the last 3 earlier versions are kept"
        # The limit is per person: the chair edits their own comment meanwhile.
        chair = group.token("chair")
        own = await api.ok("POST", comments, chair, {"body": "Chair's note"})
        await api.ok("PATCH", f"{comments}/{own['id']}", chair, {"body": "Chair's note, amended"})


# -- slow clients ----------------------------------------------------------------------


async def stalled_connection_is_closed(port: int) -> None:
    """A client sends part of a request head and stalls; the server hangs up on it."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: aaa")
        await writer.drain()
        # Bounded only so that the old server (75 s / 3630 s) fails instead of hanging.
        assert await asyncio.wait_for(reader.read(), 30) == b""
    finally:
        writer.close()


async def test_a_client_that_stalls_in_its_headers_is_disconnected(settings: Settings) -> None:
    quick = settings.with_(http_idle_timeout_seconds=0.5)
    async with serve_in_process(quick) as server:
        await stalled_connection_is_closed(server.port)
    # `rollingtext serve` applies the same setting (from its environment).
    async with ServerProcess(quick, env={"ROLLINGTEXT_HTTP_IDLE_TIMEOUT": "0.5"}) as process:
        await stalled_connection_is_closed(process.port)


# -- logs ------------------------------------------------------------------------------


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def collected() -> Iterator[Collect]:
    """Every record any logger writes (libraries log under their own names)."""
    handler = Collect()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)


GARBAGE = ("9garbage!!", b"\xff" * 10, "4zzzzzzzz!")  # 10 bytes each


async def test_garbage_frames_and_requests_log_one_line_each_without_traceback(
    settings: Settings,
) -> None:
    frames = 99
    logger = logging.getLogger(f"tests.abuse.{secrets.token_hex(4)}")
    async with serve_in_process(settings, logger=logger) as server:
        with collected() as log:
            async with aiohttp.ClientSession() as http:
                url = f"{server.url}/socket.io/?EIO=4&transport=websocket"
                async with http.ws_connect(url) as ws:
                    assert (await ws.receive_str()).startswith("0")
                    for n in range(frames):
                        garbage = GARBAGE[n % len(GARBAGE)]
                        if isinstance(garbage, bytes):
                            await ws.send_bytes(garbage)
                        else:
                            await ws.send_str(garbage)
                    # A refused connection after the garbage: its answer comes once
                    # every frame before it has been handled (and logged).
                    await ws.send_str('40/yjs|doc,{"token":"forged"}')
                    while not (await ws.receive_str()).startswith("44/yjs|doc"):
                        pass
            reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
            writer.write(b"GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n")
            assert (await reader.read()).startswith(b"HTTP/1.0 400")
            writer.close()
        ours = (logger.name, "engineio", "socketio", "aiohttp")
        records = [r for r in log.records if r.name.startswith(ours)]
    lines = sum(logging.Formatter().format(r).count("\n") + 1 for r in records)
    assert all(r.exc_info is None and not r.exc_text for r in records), "no tracebacks"
    assert lines == len(records) and len(records) <= frames + 2, (lines, len(records))
    assert not any(r.levelno >= logging.ERROR for r in records), "a client's error is no ERROR"
    refusals = [r.getMessage() for r in records if "refused" in r.getMessage()]
    assert len(refusals) == 1 and "unauthenticated" in refusals[0], "one line per refusal"
