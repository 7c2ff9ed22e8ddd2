"""Load generator of the governance benchmark: ``python -m bench.governanceload CFG OUT``.

One asyncio process. ``status`` mode: F light followers of a live session
(``/session|<id>``, ``bench/sessionpeers.py``) while the chair changes paragraph
statuses over HTTP at R/s; every ``paragraph-changed`` frame is kept raw with its
read time and decoded after the run. ``lock`` mode lives in ``bench/lockload.py``,
``amendment`` mode in ``bench/amendmentload.py``.
Prints ``PHASE <name>`` lines so the orchestrator (``bench/governance.py``) reads
CPU counters exactly there.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bench.sessionpeers import SessionFollower
from bench.stats import summary
from bench.statusreplay import draft_latency
from bench.transcriptload import connect_all

# Every change is legal from the one before it: draft -> agreed -> to_be_revisited
# (reopen) -> draft. A new paragraph starts as draft, so the cycle starts at agreed.
CYCLE = ("agreed", "to_be_revisited", "draft")
# What a follower gets on joining: the governed state and the latest decisions.
STATE_EVENT = "paragraphs-state"


def phase(name: str) -> None:
    print(f"PHASE {name}", flush=True)


@dataclass
class Change:
    """One status command the chair sent."""

    k: int
    paragraph: str
    status: str
    at: float = 0.0  # time.monotonic() just before the request was handed to aiohttp
    acked_at: float | None = None
    http_status: int = 0
    error: str = ""
    decision: Any = None  # the id of the server's decision that recorded it
    done: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def ok(self) -> bool:
        return 200 <= self.http_status < 300


async def post_status(http: aiohttp.ClientSession, cfg: dict[str, Any], change: Change) -> None:
    """``POST /api/documents/D/paragraphs/P/status`` as the chair; fills ``change``."""
    url = (
        f"http://{cfg['host']}:{cfg['port']}/api/documents/{cfg['document']}"
        f"/paragraphs/{change.paragraph}/status"
    )
    body = {"status": change.status, "session": cfg["session_id"]}
    headers = {"Authorization": f"Bearer {cfg['chair_token']}", "Accept": "application/json"}
    try:
        change.at = time.monotonic()
        async with http.post(url, json=body, headers=headers) as resp:
            answer = await resp.read()
            change.acked_at = time.monotonic()
            change.http_status = resp.status
            if resp.status >= 300:
                change.error = f"{resp.status} {answer[:300].decode(errors='replace')}"
    except (aiohttp.ClientError, OSError) as exc:
        change.error = repr(exc)
    finally:
        change.done.set()


async def send_loop(http: aiohttp.ClientSession, cfg: dict[str, Any]) -> tuple[list[Change], int]:
    """Status changes at ``rate``/s, cycling over the paragraphs; not waiting for answers,
    except that one paragraph's change is answered before its next one is sent (so the
    server decides them in the order sent). Returns the changes and how often that waited."""
    loop = asyncio.get_running_loop()
    paragraphs: list[str] = cfg["paragraphs"]
    count = round(cfg["rate"] * cfg["duration"])
    start = loop.time()
    last: dict[str, Change] = {}
    changes: list[Change] = []
    tasks: list[asyncio.Task[None]] = []
    waited = 0
    for k in range(count):
        await asyncio.sleep(max(0.0, start + k / cfg["rate"] - loop.time()))
        pid = paragraphs[k % len(paragraphs)]
        change = Change(k, pid, CYCLE[(k // len(paragraphs)) % len(CYCLE)])
        previous = last.get(pid)
        if previous is not None and not previous.done.is_set():
            waited += 1
            await previous.done.wait()
        last[pid] = change
        changes.append(change)
        tasks.append(asyncio.create_task(post_status(http, cfg, change)))
    await asyncio.gather(*tasks)
    return changes, waited


async def fetch_decisions(http: aiohttp.ClientSession, cfg: dict[str, Any]) -> list[Any]:
    url = f"http://{cfg['host']}:{cfg['port']}/api/documents/{cfg['document']}/decisions"
    headers = {"Authorization": f"Bearer {cfg['chair_token']}", "Accept": "application/json"}
    async with http.get(url, headers=headers) as resp:
        body = await resp.json(content_type=None)
        if resp.status >= 300:
            raise RuntimeError(f"GET decisions -> {resp.status} {body}")
    decisions: list[Any] = body["decisions"]
    return decisions


def _after_status(decision: dict[str, Any]) -> Any:
    after = decision.get("after")
    return after.get("status") if isinstance(after, dict) else after


def match_decisions(changes: list[Change], decisions: list[Any]) -> list[Any]:
    """Give each accepted change the id of its decision: the j-th status decision on a
    paragraph is the j-th accepted change sent for it. Returns the status decision ids in
    the server's order (ids ascending when they are numbers)."""
    mine = {c.paragraph for c in changes}
    status = [d for d in decisions if d.get("action") == "status" and d.get("paragraph") in mine]
    if all(isinstance(d.get("id"), int) for d in status):
        status.sort(key=lambda d: d["id"])
    per_paragraph: dict[str, list[dict[str, Any]]] = {}
    for d in status:
        per_paragraph.setdefault(d["paragraph"], []).append(d)
    for pid, recorded in per_paragraph.items():
        sent = [c for c in changes if c.paragraph == pid and c.ok]
        for change, d in zip(sent, recorded, strict=False):
            if _after_status(d) == change.status:
                change.decision = d["id"]
    return [d["id"] for d in status]


def analyse(
    changes: list[Change], order: list[Any], followers: list[SessionFollower], document: str
) -> dict[str, Any]:
    by_decision = {c.decision: c for c in changes if c.decision is not None}
    position = {ident: i for i, ident in enumerate(order)}
    connected = [f for f in followers if f.ready.done() and not f.ready.exception()]
    latencies: list[float] = []
    first: dict[int, float] = {}
    last: dict[int, float] = {}
    delivered = duplicates = unknown = altered = out_of_order = followers_in_order = 0
    for f in connected:
        seen: set[Any] = set()
        previous = -1
        in_order = True
        for event, t in f.paragraph_changes():
            decision = event.get("decision") or {}
            change = by_decision.get(decision.get("id"))
            if change is None:
                unknown += 1
                continue
            if change.decision in seen:
                duplicates += 1
                continue
            seen.add(change.decision)
            if position[change.decision] <= previous:
                in_order = False
                out_of_order += 1
            previous = position[change.decision]
            paragraph = event.get("paragraph") or {}
            if (
                event.get("document") != document
                or paragraph.get("id") != change.paragraph
                or paragraph.get("status") != change.status
            ):
                altered += 1
            delivered += 1
            lat = (t - change.at) * 1000
            latencies.append(lat)
            first[change.k] = min(lat, first.get(change.k, 1e12))
            last[change.k] = max(lat, last.get(change.k, -1.0))
        followers_in_order += in_order
    accepted = [c for c in changes if c.ok]
    expected = len(accepted) * len(connected)
    return {
        "changes_sent": len(changes),
        "changes_accepted": len(accepted),
        "changes_matched": len(by_decision),
        "status_decisions": len(order),
        "followers": len(followers),
        "followers_connected": len(connected),
        "expected_deliveries": expected,
        "delivered": delivered,
        "lost": expected - delivered,
        "duplicates": duplicates,
        "unknown_events": unknown,
        "altered": altered,
        "out_of_order": out_of_order,
        "followers_in_order": followers_in_order,
        "latency_ms": summary(latencies),
        "fanout_first_ms": summary(list(first.values())),
        "fanout_last_ms": summary(list(last.values())),
        "ack_ms": summary([(c.acked_at - c.at) * 1000 for c in accepted if c.acked_at]),
        "http_errors": [c.error for c in changes if c.error][:5],
        "client_errors": sum(len(f.errors) for f in followers),
        "client_error_samples": [e for f in followers for e in f.errors][:5],
        # Events other than paragraph-changed, summed over followers (the draft's Yjs
        # updates come as binary sync-update events on the same namespace).
        "other_events": {
            name: sum(f.other_events.get(name, 0) for f in followers)
            for name in sorted({name for f in followers for name in f.other_events})
        },
    }


async def run_status(cfg: dict[str, Any]) -> dict[str, Any]:
    host, port, sid = cfg["host"], cfg["port"], cfg["session_id"]
    followers = [
        SessionFollower(sid, host, port, cfg.get("follower_token"), draft=cfg.get("draft", True))
        for _ in range(cfg["followers"])
    ]
    phase("start")
    t0 = time.monotonic()
    failed = await connect_all(followers, cfg["batch"], 60)
    connect_s = time.monotonic() - t0
    # The governance history comes on its own subscription, after the transcript's;
    # the draft's state answers the follower's own sync-step-1.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if all(
            f.other_events.get(STATE_EVENT) and (f.draft_state is not None or not f.draft)
            for f in followers
            if f.ready.done()
        ):
            break
        await asyncio.sleep(0.05)
    governed = sum(1 for f in followers if f.other_events.get(STATE_EVENT))
    phase("connected")
    await asyncio.sleep(1.0)  # settle: every greeting answered
    connector = aiohttp.TCPConnector(limit=20)
    async with aiohttp.ClientSession(
        connector=connector, cookie_jar=aiohttp.DummyCookieJar()
    ) as http:
        phase("send-start")
        changes, waited = await send_loop(http, cfg)
        phase("send-end")
        accepted = sum(1 for c in changes if c.ok)
        live = [f for f in followers if f.ready.done() and not f.ready.exception()]
        deadline = time.monotonic() + cfg["drain"]
        while time.monotonic() < deadline:
            if all(len(f.changes) >= accepted for f in live):
                break
            await asyncio.sleep(0.05)
        phase("drained")
        await asyncio.sleep(0.3)  # would-be duplicates
        decisions = await fetch_decisions(http, cfg)
    order = match_decisions(changes, decisions)
    result = analyse(changes, order, followers, cfg["document"])
    result.update(draft_latency(changes, followers))
    result.update(
        connect_seconds=connect_s,
        connect_failed=failed,
        waited_for_previous=waited,
        followers_with_governed_state=governed,
    )
    for f in followers:
        f.close()
    await asyncio.sleep(0.2)
    return result


def main() -> int:
    cfg = json.loads(open(sys.argv[1]).read())
    if cfg["mode"] == "lock":
        from bench.lockload import run_lock

        runner = run_lock
    elif cfg["mode"] == "amendment":
        from bench.amendmentload import run_amendment

        runner = run_amendment
    else:
        runner = run_status
    result = asyncio.run(asyncio.wait_for(runner(cfg), cfg["timeout"]))
    with open(sys.argv[2], "w") as out:
        json.dump(result, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
