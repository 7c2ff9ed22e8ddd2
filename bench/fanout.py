"""Fan-out benchmark: ``python -m bench.fanout [--transport ws|sio|both] ...``.

E editors make R edits/s each (jittered) in one document while F light
followers receive them. Measured: edit-to-follower latency, delivered vs
expected updates, convergence of every replica, server CPU and peak RSS, and
the load generator's own CPU (to show whether it, not the server, was the
limit). ``--cold-sync`` measures how fast a fresh client gets a ~1 MB document.

The server (``rollingtext serve``, SQLite in a temporary dir), the load
generator (``bench.loadgen``) and this orchestrator are three processes.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.server import REPO, BenchServer, Usage, peak_rss_bytes

MB = 1024 * 1024


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.fanout", description=__doc__.split("\n")[0])
    p.add_argument("--transport", choices=("ws", "sio", "both"), default="both")
    p.add_argument("--editors", type=int, default=10, help="editing clients (default 10)")
    p.add_argument("--rate", type=float, default=2.0, help="edits/s per editor (default 2)")
    p.add_argument("--followers", type=int, default=300, help="read-only followers (300)")
    p.add_argument("--duration", type=float, default=20.0, help="seconds of editing (20)")
    p.add_argument("--batch", type=int, default=50, help="followers connected at a time")
    p.add_argument("--drain", type=float, default=10.0, help="max wait for late deliveries")
    p.add_argument("--cold-sync", action="store_true", help="measure cold sync instead")
    p.add_argument("--updates", type=int, default=5000, help="cold sync: updates (5000)")
    p.add_argument("--chars", type=int, default=200, help="cold sync: chars per update")
    p.add_argument("--samples", type=int, default=20, help="cold sync: joins per transport")
    p.add_argument("--json", action="store_true", help="print results as JSON")
    p.add_argument("--server-url", help="use a running server on 127.0.0.1 instead")
    p.add_argument("--secret", help="its token secret (else $ROLLINGTEXT_SECRET)")
    p.add_argument("--keep-data", action="store_true", help="keep the temporary data dir")
    return p.parse_args(argv)


def target_ms(followers: int) -> float | None:
    """The issue's p99 targets: 25 ms up to 300 followers, 50 ms up to 1000."""
    if followers <= 300:
        return 25.0
    if followers <= 1000:
        return 50.0
    return None


async def run_one(args: argparse.Namespace, transport: str, mode: str) -> dict[str, Any]:
    server = BenchServer(args.server_url, args.secret)
    await server.start()
    document = f"bench-{mode}-{transport}-{int(time.time())}"
    cfg: dict[str, Any] = {
        "mode": mode,
        "transport": transport,
        "transports": ["ws", "sio"] if transport == "both" else [transport],
        "document": document,
        "host": server.host,
        "port": server.port,
        "tokens": {r: server.token(r, f"bench-{r}") for r in ("member", "follower")},
        "editors": args.editors,
        "rate": args.rate,
        "followers": args.followers,
        "duration": args.duration,
        "batch": args.batch,
        "drain": args.drain,
        "updates": args.updates,
        "chars": args.chars,
        "paragraphs": 50,
        "samples": args.samples,
        "unload_wait": 8.0,
    }
    cfg["timeout"] = args.duration + args.drain + 240
    sampled = Usage(server.pid)
    sampled.sample_rss()
    baseline_rss = sampled.peak_rss
    try:
        with tempfile.TemporaryDirectory(prefix="rollingtext-bench-") as tmp:
            cfg_path, out_path = Path(tmp) / "config.json", Path(tmp) / "result.json"
            cfg_path.write_text(json.dumps(cfg))
            result, client, rss = await _drive(cfg, cfg_path, out_path, sampled)
    except BaseException:
        print(server.log_tail(), file=sys.stderr)
        raise
    finally:
        vm_hwm = peak_rss_bytes(server.pid) if server.proc is not None and server.pid else None
        server.stop(keep_data=args.keep_data)
    result.update(
        transport=transport,
        mode=mode,
        server_pid_known=server.pid is not None,
        server_rss_baseline_mb=baseline_rss / MB,
        server_rss_loaded_mb=rss / MB,
        server_rss_peak_mb=(vm_hwm or sampled.peak_rss) / MB,
        server_rss_peak_source="VmHWM" if vm_hwm else "sampled every 100 ms",
    )
    windows = (
        [("edits-start", "edits-end", "edits"), ("start", "edits-start", "connect")]
        if mode == "fanout"
        else [("build-start", "build-end", "build")]
        + [(f"warm-{t}-start", f"warm-{t}-end", f"warm_{t}") for t in cfg["transports"]]
    )
    for start, end, label in windows:
        for who, usage in (("server", sampled), ("client", client)):
            got = usage.between(start, end)
            if got is not None:
                result[f"{who}_cpu_{label}_s"], result[f"{who}_cpu_{label}_pct"] = got
    return result


async def _drive(
    cfg: dict[str, Any], cfg_path: Path, out_path: Path, server: Usage
) -> tuple[dict[str, Any], Usage, int]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.loadgen",
        str(cfg_path),
        str(out_path),
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
    )
    client = Usage(proc.pid)
    now = time.monotonic()
    server.mark("start", now)
    client.mark("start", now)
    loaded_rss = 0

    async def sample() -> None:
        while True:
            server.sample_rss()
            client.sample_rss()
            await asyncio.sleep(0.1)

    sampler = asyncio.create_task(sample())
    try:
        assert proc.stdout is not None
        async with asyncio.timeout(cfg["timeout"] + 30):
            while line := (await proc.stdout.readline()).decode():
                if line.startswith("PHASE "):
                    name = line.split()[1]
                    now = time.monotonic()
                    server.mark(name, now)
                    client.mark(name, now)
                    if name in ("edits-start", "build-end"):
                        server.sample_rss()
                        loaded_rss = server.peak_rss
                else:
                    print(line, end="", file=sys.stderr)
            code = await proc.wait()
    finally:
        sampler.cancel()
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    if code != 0 or not out_path.exists():
        raise RuntimeError(f"load generator failed (exit {code})")
    result: dict[str, Any] = json.loads(out_path.read_text())
    return result, client, loaded_rss


def _fmt(s: dict[str, float], keys: tuple[str, ...] = ("p50", "p99", "max")) -> str:
    if not s.get("n"):
        return "no samples"
    return " ".join(f"{k} {s[k]:.1f}" for k in keys)


def _cpu(r: dict[str, Any], who: str, label: str) -> str:
    if f"{who}_cpu_{label}_s" not in r:
        return "n/a"
    return f"{r[f'{who}_cpu_{label}_s']:.2f} s = {r[f'{who}_cpu_{label}_pct']:.0f}% of one core"


def report(args: argparse.Namespace, r: dict[str, Any]) -> str:
    lines = []
    rss = (
        f"server RSS: {r['server_rss_baseline_mb']:.0f} MB idle, "
        f"{r['server_rss_loaded_mb']:.0f} MB loaded, "
        f"peak {r['server_rss_peak_mb']:.0f} MB ({r['server_rss_peak_source']})"
    )
    if r["mode"] == "cold":
        lines.append(
            f"== cold sync: {r['updates']} updates, {r['text_chars'] / 1e6:.2f} M chars, "
            f"full state {r['state_bytes'] / MB:.2f} MB; built in {r['build_seconds']:.1f} s =="
        )
        for t in ("ws", "sio"):
            if f"warm_{t}" not in r:
                continue
            w = r[f"warm_{t}"]
            ok = w["total_ms"]["p99"] < 30
            lines.append(
                f"{t:>3} loaded room, {w['total_ms']['n']} joins: total ms "
                f"{_fmt(w['total_ms'])} (receive {_fmt(w['received_ms'], ('p50', 'p99'))}; "
                f"apply {_fmt(w['apply_ms'], ('p50', 'p99'))}) target p99 < 30 ms: "
                f"{'MET' if ok else 'MISSED'}; server CPU {_cpu(r, 'server', f'warm_{t}')}"
            )
            u = r.get(f"unloaded_{t}")
            if u:
                lines.append(
                    f"{t:>3} unloaded room (loaded from the database): total "
                    f"{u['total_ms']:.1f} ms (receive {u['received_ms']:.1f}, "
                    f"apply {u['apply_ms']:.1f})"
                )
        lines.append(f"build: server CPU {_cpu(r, 'server', 'build')}")
        lines.append(rss)
        return "\n".join(lines)
    goal = target_ms(args.followers)
    lat = r["latency_ms"]
    verdict = (
        f"target p99 < {goal:.0f} ms: {'MET' if lat.get('p99', 1e9) < goal else 'MISSED'}"
        if goal
        else ""
    )
    lines += [
        f"== fan-out over {r['transport']}: {args.editors} editors x {args.rate:g} edits/s, "
        f"{args.followers} followers, {args.duration:g} s ==",
        f"followers connected in {r['connect_seconds']:.1f} s",
        f"edit -> follower latency ms: {_fmt(lat, ('p50', 'p90', 'p99', 'max'))}  {verdict}",
        f"edit -> first follower ms:   {_fmt(r['fanout_first_ms'], ('p50', 'p99', 'max'))}",
        f"edit -> last follower ms:    {_fmt(r['fanout_complete_ms'], ('p50', 'p99', 'max'))}",
        f"updates delivered {r['delivered']}/{r['expected_deliveries']} "
        f"({r['edits_sent']} edits), lost {r['lost']}, duplicates {r['duplicates']}",
        f"converged: {'yes' if r['converged'] else 'NO'} ({args.editors} editors, "
        f"{r['follower_streams']} distinct follower stream(s), a fresh join; "
        f"{r['distinct_replicas']} distinct text(s); server state has "
        f"{r['edits_in_server_state']}/{r['edits_sent']} edits)",
        f"server CPU while editing: {_cpu(r, 'server', 'edits')}; "
        f"while connecting: {_cpu(r, 'server', 'connect')}",
        rss,
        f"load generator CPU while editing: {_cpu(r, 'client', 'edits')}",
    ]
    return "\n".join(lines)


async def amain(args: argparse.Namespace) -> list[dict[str, Any]]:
    results = []
    if args.cold_sync:
        results.append(await run_one(args, args.transport, "cold"))
    else:
        for t in ("ws", "sio") if args.transport == "both" else (args.transport,):
            results.append(await run_one(args, t, "fanout"))
            if not args.json:
                print(report(args, results[-1]) + "\n", flush=True)
    if args.cold_sync and not args.json:
        print(report(args, results[-1]), flush=True)
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    results = asyncio.run(amain(args))
    if args.json:
        meta = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "args": vars(args)}
        print(json.dumps({"meta": meta, "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
