"""The ``amendment`` mode of the governance benchmark's load generator.

The set-up (``bench/governance.py``) wrote paragraphs holding distinct marker words
``mark0000`` .. and had the member propose, for each, a replacement ``AMENDED0000`` ..
Here F light followers of ``/session|<id>`` (``bench/sessionpeers.py``) connect,
then the chair accepts the proposals over HTTP at R/s
(``POST /api/documents/D/amendments/<id>/decide`` ``{decision: accept, session}``).
Per (accept, follower): the ``amendment-updated`` event with state ``accepted`` (raw
frames, decoded after the run) and the first ``sync-update`` after which the
follower's replayed draft holds the new words (``bench/amendmentreplay.py``).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bench.amendmentreplay import draft_check
from bench.sessionpeers import SessionFollower
from bench.stats import summary
from bench.transcriptload import connect_all


def phase(name: str) -> None:
    print(f"PHASE {name}", flush=True)


@dataclass
class Accept:
    """One proposal the chair accepted (or tried to)."""

    k: int
    amendment: int
    paragraph: str
    marker: str  # the proposal's anchored words
    replacement: str  # its words
    at: float = 0.0  # time.monotonic() just before the request was handed to aiohttp
    acked_at: float | None = None
    http_status: int = 0
    error: str = ""
    done: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def ok(self) -> bool:
        return 200 <= self.http_status < 300


async def post_accept(http: aiohttp.ClientSession, cfg: dict[str, Any], accept: Accept) -> None:
    """``POST .../amendments/<id>/decide`` ``{decision: accept, session}`` as the chair."""
    url = (
        f"http://{cfg['host']}:{cfg['port']}/api/documents/{cfg['document']}"
        f"/amendments/{accept.amendment}/decide"
    )
    body = {"decision": "accept", "session": cfg["session_id"]}
    headers = {"Authorization": f"Bearer {cfg['chair_token']}", "Accept": "application/json"}
    try:
        accept.at = time.monotonic()
        async with http.post(url, json=body, headers=headers) as resp:
            answer = await resp.read()
            accept.acked_at = time.monotonic()
            accept.http_status = resp.status
            if resp.status >= 300:
                accept.error = f"{resp.status} {answer[:300].decode(errors='replace')}"
    except (aiohttp.ClientError, OSError) as exc:
        accept.error = repr(exc)
    finally:
        accept.done.set()


async def send_loop(http: aiohttp.ClientSession, cfg: dict[str, Any]) -> list[Accept]:
    """Accept the proposals in order at ``rate``/s, not waiting for answers."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    accepts: list[Accept] = []
    tasks: list[asyncio.Task[None]] = []
    for k, a in enumerate(cfg["amendments"]):
        await asyncio.sleep(max(0.0, start + k / cfg["rate"] - loop.time()))
        accept = Accept(k, a["id"], a["paragraph"], a["marker"], a["replacement"])
        accepts.append(accept)
        tasks.append(asyncio.create_task(post_accept(http, cfg, accept)))
    await asyncio.gather(*tasks)
    return accepts


def analyse_events(
    accepts: list[Accept], followers: list[SessionFollower], session_id: int
) -> dict[str, Any]:
    """Per follower, the ``amendment-updated`` events that say a proposal was accepted:
    latency from the chair's send time, losses, duplicates, unknown or altered ones."""
    by_id = {a.amendment: a for a in accepts}
    connected = [f for f in followers if f.ready.done() and not f.ready.exception()]
    latencies: list[float] = []
    first: dict[int, float] = {}
    last: dict[int, float] = {}
    delivered = duplicates = unknown = altered = other_updates = 0
    for f in connected:
        seen: set[int] = set()
        for amendment, t in f.amendment_updates():
            if amendment.get("state") != "accepted":
                other_updates += 1
                continue
            accept = by_id.get(amendment.get("id"))  # type: ignore[arg-type]
            if accept is None or not accept.ok:
                unknown += 1
                continue
            if accept.amendment in seen:
                duplicates += 1
                continue
            seen.add(accept.amendment)
            decision = amendment.get("decision") or {}
            if (
                amendment.get("paragraph") != accept.paragraph
                or amendment.get("text") != accept.replacement
                or decision.get("session") != session_id
            ):
                altered += 1
            delivered += 1
            lat = (t - accept.at) * 1000
            latencies.append(lat)
            first[accept.k] = min(lat, first.get(accept.k, 1e12))
            last[accept.k] = max(lat, last.get(accept.k, -1.0))
    ok = [a for a in accepts if a.ok]
    expected = len(ok) * len(connected)
    decided = paragraph_changed_ms(accepts, connected)
    return {
        "accepts_sent": len(accepts),
        "accepts_ok": len(ok),
        "followers": len(followers),
        "followers_connected": len(connected),
        "expected_deliveries": expected,
        "delivered": delivered,
        "lost": expected - delivered,
        "duplicates": duplicates,
        "unknown_events": unknown,
        "altered": altered,
        "other_amendment_updates": other_updates,
        "latency_ms": summary(latencies),
        "fanout_first_ms": summary(list(first.values())),
        "fanout_last_ms": summary(list(last.values())),
        "ack_ms": summary([(a.acked_at - a.at) * 1000 for a in ok if a.acked_at]),
        "http_errors": [a.error for a in accepts if a.error][:5],
        "client_errors": sum(len(f.errors) for f in followers),
        "client_error_samples": [e for f in followers for e in f.errors][:5],
        # The accept's paragraph decision (action "amendment") comes as paragraph-changed.
        "paragraph_changed_events": sum(len(f.changes) for f in followers),
        "paragraph_changed_ms": summary(decided),
        "other_events": {
            name: sum(f.other_events.get(name, 0) for f in followers)
            for name in sorted({name for f in followers for name in f.other_events})
        },
    }


def paragraph_changed_ms(accepts: list[Accept], followers: list[SessionFollower]) -> list[float]:
    """Per (accept, follower): the first ``paragraph-changed`` whose decision records
    this accept (``action: amendment``, ``after.amendment``) minus the chair's send time."""
    by_id = {a.amendment: a for a in accepts if a.ok}
    out: list[float] = []
    for f in followers:
        seen: set[int] = set()
        for event, t in f.paragraph_changes():
            decision = event.get("decision") or {}
            after = decision.get("after")
            aid = after.get("amendment") if isinstance(after, dict) else None
            if decision.get("action") != "amendment" or not isinstance(aid, int):
                continue
            accept = by_id.get(aid)
            if accept is not None and aid not in seen:
                seen.add(accept.amendment)
                out.append((t - accept.at) * 1000)
    return out


async def server_accepted(http: aiohttp.ClientSession, cfg: dict[str, Any]) -> int:
    """How many of the document's proposals the server holds as accepted."""
    url = (
        f"http://{cfg['host']}:{cfg['port']}/api/documents/{cfg['document']}"
        "/amendments?state=accepted"
    )
    headers = {"Authorization": f"Bearer {cfg['chair_token']}", "Accept": "application/json"}
    async with http.get(url, headers=headers) as resp:
        body = await resp.json(content_type=None)
        if resp.status >= 300:
            raise RuntimeError(f"GET amendments -> {resp.status} {body}")
    return len(body["amendments"])


async def drain(followers: list[SessionFollower], accepted: int, limit: float) -> None:
    """Until every live follower has an accepted event per accept and no draft update
    arrived for 0.5 s: at most ``limit`` s."""
    live = [f for f in followers if f.ready.done() and not f.ready.exception()]
    deadline = time.monotonic() + limit
    quiet_since, counts = time.monotonic(), [-1] * len(live)
    while time.monotonic() < deadline:
        now_counts = [len(f.draft_updates) for f in live]
        if now_counts != counts:
            counts, quiet_since = now_counts, time.monotonic()
        events = all(len(f.amendments) >= accepted for f in live)
        if events and time.monotonic() - quiet_since >= 0.5:
            return
        await asyncio.sleep(0.05)


async def run_amendment(cfg: dict[str, Any]) -> dict[str, Any]:
    host, port, sid = cfg["host"], cfg["port"], cfg["session_id"]
    followers = [
        SessionFollower(sid, host, port, cfg.get("follower_token"), draft=True)
        for _ in range(cfg["followers"])
    ]
    phase("start")
    t0 = time.monotonic()
    failed = await connect_all(followers, cfg["batch"], 60)
    connect_s = time.monotonic() - t0
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if all(f.draft_state is not None for f in followers if f.ready.done()):
            break
        await asyncio.sleep(0.05)
    phase("connected")
    await asyncio.sleep(1.0)  # settle: every greeting answered
    connector = aiohttp.TCPConnector(limit=20)
    async with aiohttp.ClientSession(
        connector=connector, cookie_jar=aiohttp.DummyCookieJar()
    ) as http:
        phase("send-start")
        accepts = await send_loop(http, cfg)
        phase("send-end")
        await drain(followers, sum(1 for a in accepts if a.ok), cfg["drain"])
        phase("drained")
        await asyncio.sleep(0.3)  # would-be duplicates
        on_server = await server_accepted(http, cfg)
    result = analyse_events(accepts, followers, sid)
    result.update(draft_check(accepts, followers))
    result.update(
        connect_seconds=connect_s,
        connect_failed=failed,
        amendments=len(cfg["amendments"]),
        server_accepted=on_server,
    )
    for f in followers:
        f.close()
    await asyncio.sleep(0.2)
    return result
