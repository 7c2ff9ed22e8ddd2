"""The load generator process: ``python -m bench.loadgen CONFIG.json RESULT.json``.

Runs apart from the server (and from the orchestrator that samples both), so
its own CPU time is visible. It prints ``PHASE <name>`` lines on stdout at phase
boundaries so the orchestrator can read CPU counters exactly there.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
import sys
import time
from typing import Any

import pycrdt

from bench.peers import TEXT_ROOT, YClient, text_of
from bench.stats import summary


def phase(name: str) -> None:
    print(f"PHASE {name}", flush=True)


def _client(
    cfg: dict[str, Any], role: str, name: str, *, replica: bool, process: int = 0
) -> YClient:
    """A client of server process ``process`` (round-robin index into the endpoints)."""
    tokens: dict[str, str] = cfg["tokens"]
    endpoints: list[list[Any]] = cfg.get("endpoints") or [[cfg["host"], cfg["port"]]]
    host, port = endpoints[process % len(endpoints)]
    return YClient(
        cfg["transport"], cfg["document"], tokens[role], replica=replica, host=host, port=port
    )


async def _connect_batches(clients: list[YClient], batch: int, timeout: float) -> None:
    for i in range(0, len(clients), batch):
        await asyncio.gather(*(c.connect(timeout) for c in clients[i : i + batch]))


async def _edit_loop(
    editor: YClient, index: int, rate: float, end: float, sent: dict[bytes, float]
) -> None:
    """Edits at ``rate``/s with jitter (interval x U(0.5, 1.5)), random positions."""
    rng = random.Random(index)
    loop = asyncio.get_running_loop()
    next_at = loop.time() + rng.uniform(0, 1 / rate)
    seq = 0
    while True:
        await asyncio.sleep(max(0.0, next_at - loop.time()))
        if loop.time() >= end:
            return
        seq += 1
        marker = f"<e{index:02d}s{seq:06d}>"
        assert editor.doc is not None
        # Insert at a word boundary so that no marker splits another one.
        current = str(editor.doc.get(TEXT_ROOT, type=pycrdt.Text))
        at = current.find(" ", rng.randint(0, len(current))) + 1 or len(current)
        update = editor.insert(marker + " ", at)
        sent[marker.encode()] = editor.send_update(update)
        next_at += rng.uniform(0.5, 1.5) / rate


async def fanout(cfg: dict[str, Any]) -> dict[str, Any]:
    processes = len(cfg.get("endpoints") or [None])
    editors = [
        _client(cfg, "member", f"e{i}", replica=True, process=i % processes)
        for i in range(cfg["editors"])
    ]
    followers = [
        _client(cfg, "follower", f"f{i}", replica=False, process=i % processes)
        for i in range(cfg["followers"])
    ]
    await _connect_batches(editors, 10, 30)  # an editor creates the room
    t0 = time.monotonic()
    await _connect_batches(followers, cfg["batch"], 60)
    connect_s = time.monotonic() - t0
    await asyncio.sleep(1.0)  # settle: every greeting answered
    phase("edits-start")
    sent: dict[bytes, float] = {}
    end = asyncio.get_running_loop().time() + cfg["duration"]
    await asyncio.gather(*(_edit_loop(e, i, cfg["rate"], end, sent) for i, e in enumerate(editors)))
    phase("edits-end")
    # Drain: wait until every follower has seen every marker (bounded).
    expected = len(sent)
    deadline = time.monotonic() + cfg["drain"]
    while time.monotonic() < deadline:
        if all(len(f.marks) >= expected for f in followers):
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.3)  # editors' own incoming updates
    phase("drained")
    # A fresh join on every process: each server's own state.
    late = [_client(cfg, "follower", f"late{p}", replica=True, process=p) for p in range(processes)]
    for client in late:
        await client.connect(30)
    result = analyse(sent, editors, followers, late)
    result["connect_seconds"] = connect_s
    for c in [*editors, *followers, *late]:
        c.close()
    await asyncio.sleep(0.2)
    return result


def _editor_of(marker: bytes) -> int:
    """``<eNNsSSSSSS>`` -> NN, the index of the editor that made the edit."""
    return int(marker[2 : marker.index(b"s")])


def analyse(
    sent: dict[bytes, float],
    editors: list[YClient],
    followers: list[YClient],
    late: list[YClient],
) -> dict[str, Any]:
    """Latency, losses and convergence; client i of a kind talks to process i % P."""
    processes = len(late)
    latencies: list[float] = []
    same: list[float] = []
    cross: list[float] = []
    by_pair: dict[str, list[float]] = {}
    delivered_to: list[int] = [0] * processes
    per_edit_last: dict[bytes, float] = {}
    per_edit_first: dict[bytes, float] = {}
    delivered = duplicates = unknown = 0
    for index, f in enumerate(followers):
        seen: set[bytes] = set()
        at = index % processes
        for marker, t in f.marks:
            t_sent = sent.get(marker)
            if t_sent is None:
                unknown += 1
                continue
            if marker in seen:
                duplicates += 1
                continue
            seen.add(marker)
            delivered += 1
            delivered_to[at] += 1
            lat = (t - t_sent) * 1000
            latencies.append(lat)
            origin = _editor_of(marker) % processes
            (same if origin == at else cross).append(lat)
            by_pair.setdefault(f"{origin}->{at}", []).append(lat)
            if lat > per_edit_last.get(marker, -1.0):
                per_edit_last[marker] = lat
            if lat < per_edit_first.get(marker, 1e12):
                per_edit_first[marker] = lat
    expected = len(sent) * len(followers)
    # Convergence: followers that received the same bytes hold the same replica;
    # rebuild one per distinct stream and compare with every editor and a fresh
    # join on every process.
    groups: dict[str, YClient] = {}
    for f in followers:
        h = hashlib.blake2b(digest_size=16)
        h.update(f.state or b"")
        for frame in f.frames:
            h.update(len(frame).to_bytes(4, "big"))
            h.update(frame)
        groups.setdefault(h.hexdigest(), f)
    texts = {text_of(e.doc) for e in editors if e.doc is not None}
    server_texts = [text_of(client.rebuild()) for client in late]
    follower_texts = {text_of(f.rebuild()) for f in groups.values()}
    all_texts = texts | follower_texts | set(server_texts)
    in_state = [sum(1 for m in sent if m.decode() in text) for text in server_texts]
    return {
        "processes": processes,
        "edits_sent": len(sent),
        "expected_deliveries": expected,
        "delivered": delivered,
        "lost": expected - delivered,
        "duplicates": duplicates,
        "unknown_markers": unknown,
        "latency_ms": summary(latencies),
        "latency_same_process_ms": summary(same),
        "latency_cross_process_ms": summary(cross),
        "latency_by_pair_ms": {k: summary(v) for k, v in sorted(by_pair.items())},
        "delivered_per_process": delivered_to,
        "followers_per_process": [len(followers[p::processes]) for p in range(processes)],
        "editors_per_process": [len(editors[p::processes]) for p in range(processes)],
        "fanout_complete_ms": summary(list(per_edit_last.values())),
        "fanout_first_ms": summary(list(per_edit_first.values())),
        "converged": len(all_texts) == 1,
        "distinct_replicas": len(all_texts),
        "follower_streams": len(groups),
        "edits_in_server_state": min(in_state),
        "edits_in_server_state_per_process": in_state,
        "text_chars": len(server_texts[0]),
        "client_errors": sum(len(c.errors) for c in [*editors, *followers]),
    }


async def cold_sync(cfg: dict[str, Any]) -> dict[str, Any]:
    from bench.coldsync import run

    return await run(cfg, _client, phase)


def main() -> int:
    cfg = json.loads(open(sys.argv[1]).read())
    runner = cold_sync if cfg["mode"] == "cold" else fanout
    result = asyncio.run(asyncio.wait_for(runner(cfg), cfg["timeout"]))
    with open(sys.argv[2], "w") as out:
        json.dump(result, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
