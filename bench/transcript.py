"""Live transcript delivery benchmark: ``python -m bench.transcript [--followers F] ...``.

A captioner appends caption segments to a live plenary session at R/s while F
light followers of the session (Socket.IO namespace ``/session|<id>``) receive
them. Measured: append -> follower latency, delivered vs expected, losses,
duplicates, order, late joiners' history + live, server CPU and peak RSS, the
load generator's CPU and other load on the machine.

Three processes: the server (``rollingtext serve``, SQLite in a temporary dir),
the load generator (``bench.transcriptload``) and this orchestrator. The
session is set up over HTTP with an operator token. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp

from bench.cluster import MachineUsage
from bench.server import REPO, BenchServer, Usage, peak_rss_bytes

MB = 1024 * 1024


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench.transcript", description=__doc__.split("\n")[0]
    )
    p.add_argument("--followers", type=int, default=1000, help="session followers (1000)")
    p.add_argument("--rate", type=float, default=3.0, help="segments/s appended (3)")
    p.add_argument("--duration", type=float, default=30.0, help="seconds of appending (30)")
    p.add_argument("--late", type=int, default=5, help="followers joining mid-run (5)")
    p.add_argument("--history", type=int, default=20, help="segments before anyone joins (20)")
    p.add_argument("--batch", type=int, default=50, help="followers connected at a time")
    p.add_argument("--drain", type=float, default=10.0, help="max wait for late deliveries")
    p.add_argument(
        "--anonymous",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="followers without a token (public follow; default) or follower tokens",
    )
    p.add_argument("--json", action="store_true", help="print results as JSON")
    p.add_argument("--server-url", help="use a running server on 127.0.0.1 instead")
    p.add_argument("--secret", help="its token secret (else $ROLLINGTEXT_SECRET)")
    p.add_argument("--keep-data", action="store_true", help="keep the temporary data dir")
    return p.parse_args(argv)


async def call_api(
    http: aiohttp.ClientSession, base: str, method: str, path: str, token: str | None, body: Any
) -> Any:
    """One JSON call; raises on any status >= 300 (the benchmark's set-up must succeed)."""
    headers = {"Accept": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    async with http.request(method, base + path, json=body, headers=headers) as resp:
        raw = await resp.text()
        if resp.status >= 300:
            raise RuntimeError(f"{method} {path} -> {resp.status} {raw[:500]}")
        return json.loads(raw) if raw else None


async def set_up(server: BenchServer, anonymous: bool) -> dict[str, Any]:
    """Group (public follow), rolling document, captioner, meeting, live plenary."""
    operator = server.token("chair", "bench-operator")
    slug = f"bench-{uuid.uuid4().hex[:8]}"
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:

        async def call(method: str, path: str, body: Any = None, token: str = operator) -> Any:
            return await call_api(http, server.url, method, path, token, body)

        group = await call(
            "POST",
            "/api/groups",
            {"slug": slug, "name": f"Benchmark group {slug}", "public_follow": True},
        )
        gid = group["id"]
        document = f"{slug}-rolling"
        await call(
            "POST",
            f"/api/groups/{gid}/documents",
            {"name": document, "title": "Rolling text", "kind": "rolling", "public": True},
        )
        tokens = {}
        for role in ("captioner", "follower"):
            person = await call(
                "POST", f"/api/groups/{gid}/people", {"name": f"Bench {role}", "role": role}
            )
            invitation = await call(
                "POST", f"/api/groups/{gid}/invitations", {"person_id": person["id"]}
            )
            opened = await call_api(
                http, server.url, "GET", f"/invite/{invitation['code']}", None, None
            )
            tokens[role] = opened["token"]
        meeting = await call(
            "POST",
            f"/api/groups/{gid}/meetings",
            {
                "number": 1,
                "title": "First meeting",
                "starts_on": "2026-11-28",
                "ends_on": "2026-11-29",
            },
        )
        session = await call(
            "POST",
            f"/api/meetings/{meeting['id']}/sessions",
            {
                "kind": "plenary",
                "title": "Plenary",
                "document": document,
                "scheduled_start": "2026-11-28T10:00:00+01:00",
                "scheduled_end": "2026-11-28T13:00:00+01:00",
            },
        )
        sid = session["id"]
        await call("POST", f"/api/sessions/{sid}/status", {"status": "live"})
    return {
        "session_id": sid,
        "group_id": gid,
        "captioner_token": tokens["captioner"],
        "follower_token": None if anonymous else tokens["follower"],
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    server = BenchServer(args.server_url, args.secret)
    await server.start()
    cfg: dict[str, Any] = {
        "host": server.host,
        "port": server.port,
        **{k: getattr(args, k) for k in ("followers", "rate", "duration", "late", "history")},
        "batch": args.batch,
        "drain": args.drain,
        "timeout": args.duration + args.drain + 240,
    }
    usage = Usage(server.pid)
    usage.sample_rss()
    idle_rss = usage.peak_rss
    machine = MachineUsage()
    try:
        cfg.update(await set_up(server, args.anonymous))
        with tempfile.TemporaryDirectory(prefix="rollingtext-bench-") as tmp:
            cfg_path, out_path = Path(tmp) / "config.json", Path(tmp) / "result.json"
            cfg_path.write_text(json.dumps(cfg))
            result, client, loaded = await drive(cfg, cfg_path, out_path, usage, machine)
    except BaseException:
        print(server.log_tail(), file=sys.stderr)
        raise
    finally:
        hwm = peak_rss_bytes(server.pid) if server.pid else None
        log = server.log_tail(200_000)
        server.stop(keep_data=args.keep_data)
    result["server_log_errors"] = [
        line for line in log.splitlines() if "Traceback" in line or " ERROR " in line
    ][:5]
    result.update(
        session_id=cfg["session_id"],
        server_rss_idle_mb=idle_rss / MB,
        server_rss_loaded_mb=loaded / MB,
        server_rss_peak_mb=(hwm or usage.peak_rss) / MB,
        server_rss_peak_source="VmHWM" if hwm else "sampled every 100 ms",
    )
    windows = (
        ("send-start", "send-end", "send"),
        ("start", "connected", "connect"),
        ("send-start", "drained", "delivery"),
    )
    for start, end, label in windows:
        for who, u in (("server", usage), ("client", client)):
            got = u.between(start, end)
            if got is not None:
                result[f"{who}_cpu_{label}_s"], result[f"{who}_cpu_{label}_pct"] = got
        busy = machine.between(start, end)
        if busy is not None:
            ours = result.get(f"server_cpu_{label}_s", 0.0) + result.get(
                f"client_cpu_{label}_s", 0.0
            )
            result[f"machine_cpu_{label}_s"] = busy
            result[f"other_cpu_{label}_s"] = max(0.0, busy - ours)
    if result.get("delivered") and "server_cpu_delivery_s" in result:
        result["server_cpu_us_per_delivery"] = (
            result["server_cpu_delivery_s"] / result["delivered"] * 1e6
        )
    return result


async def drive(
    cfg: dict[str, Any],
    cfg_path: Path,
    out_path: Path,
    server: Usage,
    machine: MachineUsage,
    module: str = "bench.transcriptload",
) -> tuple[dict[str, Any], Usage, int]:
    """Run the load generator ``module``; read CPU at its ``PHASE`` marks, sample RSS."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        module,
        str(cfg_path),
        str(out_path),
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
    )
    client = Usage(proc.pid)
    loaded = 0

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
                if not line.startswith("PHASE "):
                    print(line, end="", file=sys.stderr)
                    continue
                name, now = line.split()[1], time.monotonic()
                server.mark(name, now)
                client.mark(name, now)
                machine.mark(name)
                if name == "send-start":
                    server.sample_rss()
                    loaded = server.peak_rss
            code = await proc.wait()
    finally:
        sampler.cancel()
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    if code != 0 or not out_path.exists():
        raise RuntimeError(f"load generator failed (exit {code})")
    result: dict[str, Any] = json.loads(out_path.read_text())
    return result, client, loaded


def _ms(s: dict[str, float], keys: tuple[str, ...] = ("p50", "p90", "p99", "max")) -> str:
    if not s.get("n"):
        return "no samples"
    return " ".join(f"{k} {s[k]:.1f}" for k in keys)


def _cpu(r: dict[str, Any], who: str, label: str) -> str:
    if f"{who}_cpu_{label}_s" not in r:
        return "n/a"
    return f"{r[f'{who}_cpu_{label}_s']:.2f} s = {r[f'{who}_cpu_{label}_pct']:.0f}% of one core"


def report(args: argparse.Namespace, r: dict[str, Any]) -> str:
    late = r["late"]
    lines = [
        f"== live transcript: {args.followers} followers, {args.rate:g} segments/s, "
        f"{args.duration:g} s, {r['history_segments']} segments of history, session "
        f"{r['session_id']} ==",
        f"followers connected {r['followers_connected']}/{r['followers']} in "
        f"{r['connect_seconds']:.1f} s (history as expected: {r['followers_history_ok']}); "
        f"server CPU while connecting {_cpu(r, 'server', 'connect')}",
        f"append -> follower latency ms: {_ms(r['latency_ms'])}",
        f"append -> first / last follower ms: p50 {r['fanout_first_ms'].get('p50', 0):.1f} / "
        f"{r['fanout_last_ms'].get('p50', 0):.1f}, p99 {r['fanout_first_ms'].get('p99', 0):.1f}"
        f" / {r['fanout_last_ms'].get('p99', 0):.1f}",
        f"append -> ack ms: {_ms(r['ack_ms'])}",
        f"segments sent {r['segments_sent']}, acked {r['segments_acked']} (ids increasing: "
        f"{'yes' if r['acked_ids_increasing'] else 'NO'}); delivered {r['delivered']}/"
        f"{r['expected_deliveries']}, lost {r['lost']}, duplicates {r['duplicates']}, "
        f"unknown {r['unknown_segments']}, altered {r['mismatched_segments']}",
        f"order kept: {r['followers_in_order']}/{r['followers_connected']} followers "
        f"({r['out_of_order']} out-of-order receipts)",
        f"late joiners: {late['exact']}/{len(late['joiners'])} hold history + live = all "
        f"{late['expected_segments']} segments exactly once, in order ("
        + ", ".join(f"{j['history']}+{j['live']}" for j in late["joiners"])
        + ")",
        f"server CPU while sending: {_cpu(r, 'server', 'send')}; per delivered segment "
        f"{r.get('server_cpu_us_per_delivery', float('nan')):.1f} us (first append to drained)",
        f"server RSS: {r['server_rss_idle_mb']:.0f} MB idle, {r['server_rss_loaded_mb']:.0f} MB "
        f"loaded, peak {r['server_rss_peak_mb']:.0f} MB ({r['server_rss_peak_source']})",
        f"load generator CPU while sending: {_cpu(r, 'client', 'send')}",
    ]
    if "other_cpu_send_s" in r:
        lines.append(
            f"machine busy while sending: {r['machine_cpu_send_s']:.2f} CPU s, of which "
            f"{r['other_cpu_send_s']:.2f} s other programs"
        )
    problems = r["client_error_samples"] + r["ack_errors"][:3] + r["server_log_errors"]
    if problems:
        lines.append(f"errors ({r['client_errors']} client): " + "; ".join(problems))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    result = asyncio.run(run(args))
    if args.json:
        meta = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "args": vars(args)}
        print(json.dumps({"meta": meta, "result": result}, indent=2))
    else:
        print(report(args, result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
