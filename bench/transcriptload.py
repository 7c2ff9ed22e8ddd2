"""Load generator of the transcript benchmark: ``python -m bench.transcriptload CFG OUT``.

One asyncio process: a captioner and F light followers of one live session
(``bench/sessionpeers.py``), plus a few late joiners that connect while
segments flow. Prints ``PHASE <name>`` lines so the orchestrator
(``bench/transcript.py``) reads CPU counters exactly there.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from dataclasses import dataclass
from typing import Any

from bench.sessionpeers import Captioner, SessionFollower
from bench.stats import summary

WORDS = (
    "the delegation of Kenya supports the proposal to strengthen enhanced cooperation "
    "and asks that the secretariat circulate a revised text before the next session"
)


def phase(name: str) -> None:
    print(f"PHASE {name}", flush=True)


@dataclass
class Sent:
    marker: str
    at: float  # time.monotonic() just before the append was written
    text: str
    ack: asyncio.Future[tuple[float, dict[str, Any]]]
    segment_id: int | None = None
    acked_at: float | None = None


def segment(marker: str, k: int, now: float | None) -> dict[str, Any]:
    """A caption line carrying its marker and (live ones) its send time."""
    stamp = f" t={now:.6f}" if now is not None else ""
    return {
        "client_key": marker[1:-1],
        "text": f"{marker}{stamp} Delegate {k % 7}: {WORDS}",
        "start_ms": k * 333,
        "end_ms": k * 333 + 320,
        "speaker": f"Delegate {k % 7}",
    }


def marker_of(text: str) -> str:
    return text[: text.index(">") + 1]


async def connect_all(followers: list[SessionFollower], batch: int, timeout: float) -> int:
    """Connect in batches; return how many failed."""
    failed = 0
    for i in range(0, len(followers), batch):
        got = await asyncio.gather(
            *(f.connect(timeout) for f in followers[i : i + batch]), return_exceptions=True
        )
        failed += sum(1 for g in got if isinstance(g, BaseException))
    return failed


async def send_loop(cap: Captioner, rate: float, count: int) -> list[Sent]:
    loop = asyncio.get_running_loop()
    start = loop.time()
    sent: list[Sent] = []
    for k in range(count):
        await asyncio.sleep(max(0.0, start + k / rate - loop.time()))
        marker = f"<s{k:06d}>"
        now = time.monotonic()
        seg = segment(marker, k, now)
        sent.append(Sent(marker, now, seg["text"], cap.append([seg])))
    return sent


async def join_late(cfg: dict[str, Any], count: int, span: float) -> list[SessionFollower]:
    """``count`` followers joining one by one while segments flow (spread over ``span``)."""
    late: list[SessionFollower] = []
    for j in range(count):
        await asyncio.sleep(span / (count + 1))
        f = SessionFollower(cfg["session_id"], cfg["host"], cfg["port"], cfg.get("follower_token"))
        late.append(f)
        try:
            await f.connect(30)
        except (OSError, TimeoutError) as exc:
            f.errors.append(f"late join {j}: {exc!r}")
    return late


async def run(cfg: dict[str, Any]) -> dict[str, Any]:
    host, port, sid = cfg["host"], cfg["port"], cfg["session_id"]
    cap = Captioner(sid, host, port, cfg["captioner_token"])
    await cap.connect(30)
    # A session already under way: its transcript so far reaches every joiner as history.
    preseed: list[int] = []
    for k in range(cfg["history"]):
        _, body = await cap.append([segment(f"<h{k:06d}>", k, None)])
        preseed.append(int(body["segments"][0]["id"]))
    followers = [
        SessionFollower(sid, host, port, cfg.get("follower_token")) for _ in range(cfg["followers"])
    ]
    phase("start")
    t0 = time.monotonic()
    failed = await connect_all(followers, cfg["batch"], 60)
    connect_s = time.monotonic() - t0
    phase("connected")
    await asyncio.sleep(1.0)  # settle: every greeting answered
    count = round(cfg["rate"] * cfg["duration"])
    phase("send-start")
    late_task = asyncio.create_task(join_late(cfg, cfg["late"], cfg["duration"]))
    sent = await send_loop(cap, cfg["rate"], count)
    phase("send-end")
    late = await late_task
    deadline = time.monotonic() + cfg["drain"]
    live_followers = [f for f in followers if f.ready.done() and not f.ready.exception()]
    late_ok = [f for f in late if f.ready.done() and not f.ready.exception()]
    while time.monotonic() < deadline:
        acked = all(s.ack.done() for s in sent)
        full = all(len(f.live) >= count for f in live_followers)
        late_full = all(len(f.history) + len(f.live) >= count + len(preseed) for f in late_ok)
        if acked and full and late_full:
            break
        await asyncio.sleep(0.05)
    phase("drained")
    cap.fail_pending("no ack before the end of the drain")
    for s in sent:
        if s.ack.done() and not s.ack.exception():
            s.acked_at, body = s.ack.result()
            s.segment_id = int(body["segments"][0]["id"])
    result = analyse(sent, preseed, followers, late)
    result.update(connect_seconds=connect_s, connect_failed=failed, ack_errors=[])
    for s in sent:
        if s.ack.done() and s.ack.exception() is not None:
            result["ack_errors"].append(repr(s.ack.exception())[:300])
    for c in [cap, *followers, *late]:
        c.close()
    await asyncio.sleep(0.2)
    return result


def analyse(
    sent: list[Sent],
    preseed: list[int],
    followers: list[SessionFollower],
    late: list[SessionFollower],
) -> dict[str, Any]:
    by_marker = {s.marker: s for s in sent}
    connected = [f for f in followers if f.ready.done() and not f.ready.exception()]
    latencies: list[float] = []
    first: dict[str, float] = {}
    last: dict[str, float] = {}
    delivered = duplicates = unknown = mismatched = out_of_order = 0
    followers_in_order = 0
    history_ok = 0
    for f in connected:
        if [s["id"] for s in f.history] == preseed:
            history_ok += 1
        seen: set[int] = set()
        previous = 0
        in_order = True
        for seg, t in f.segments():
            ident = int(seg["id"])
            s = by_marker.get(marker_of(seg["text"]))
            if s is None:
                unknown += 1
                continue
            if ident in seen:
                duplicates += 1
                continue
            seen.add(ident)
            if ident <= previous:
                in_order = False
                out_of_order += 1
            previous = ident
            if seg["text"] != s.text or (s.segment_id is not None and s.segment_id != ident):
                mismatched += 1
            delivered += 1
            lat = (t - s.at) * 1000
            latencies.append(lat)
            first[s.marker] = min(lat, first.get(s.marker, 1e12))
            last[s.marker] = max(lat, last.get(s.marker, -1.0))
        followers_in_order += in_order
    acked_ids = [s.segment_id for s in sent if s.segment_id is not None]
    ack_ms = [(s.acked_at - s.at) * 1000 for s in sent if s.acked_at is not None]
    expected = len(sent) * len(connected)
    return {
        "segments_sent": len(sent),
        "segments_acked": len(acked_ids),
        "acked_ids_increasing": acked_ids == sorted(set(acked_ids)),
        "history_segments": len(preseed),
        "followers": len(followers),
        "followers_connected": len(connected),
        "followers_history_ok": history_ok,
        "expected_deliveries": expected,
        "delivered": delivered,
        "lost": expected - delivered,
        "duplicates": duplicates,
        "unknown_segments": unknown,
        "mismatched_segments": mismatched,
        "out_of_order": out_of_order,
        "followers_in_order": followers_in_order,
        "latency_ms": summary(latencies),
        "fanout_first_ms": summary(list(first.values())),
        "fanout_last_ms": summary(list(last.values())),
        "ack_ms": summary(ack_ms),
        "late": late_report(late, preseed + acked_ids),
        "client_errors": sum(len(f.errors) for f in followers),
        "client_error_samples": [e for f in followers for e in f.errors][:5],
        "other_events": sorted({name for f in followers for name in f.other_events}),
        "pongs": sum(f.pongs for f in followers),
    }


def late_report(late: list[SessionFollower], all_ids: list[int]) -> dict[str, Any]:
    """Each late joiner must hold history + live = every segment, once, in order."""
    joiners = []
    for f in late:
        history = [int(s["id"]) for s in f.history]
        live = [int(seg["id"]) for seg, _ in f.segments()] if f.ready.done() else []
        got = history + live
        joiners.append(
            {
                "history": len(history),
                "live": len(live),
                "exact": got == all_ids,
                "missing": len(set(all_ids) - set(got)),
                "duplicates": len(got) - len(set(got)),
                "in_order": got == sorted(got),
                "errors": f.errors[:3],
            }
        )
    return {
        "joiners": joiners,
        "expected_segments": len(all_ids),
        "exact": sum(1 for j in joiners if j["exact"]),
    }


def main() -> int:
    cfg = json.loads(open(sys.argv[1]).read())
    result = asyncio.run(asyncio.wait_for(run(cfg), cfg["timeout"]))
    with open(sys.argv[2], "w") as out:
        json.dump(result, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
