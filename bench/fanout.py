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

from bench.cluster import BACKENDS, Cluster, InfraUsage, MachineUsage
from bench.report import report
from bench.server import REPO, Usage, peak_rss_bytes

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
    p.add_argument(
        "--processes", type=int, default=1, help="server processes (default 1); > 1 = pg-redis"
    )
    p.add_argument(
        "--backend",
        choices=BACKENDS,
        default="sqlite",
        help="sqlite: embedded, no Redis (default, 1 process); pg-redis: a fresh PostgreSQL "
        "database and Redis, as several processes use them",
    )
    return p.parse_args(argv)


async def run_one(args: argparse.Namespace, transport: str, mode: str) -> dict[str, Any]:
    cluster = Cluster(args.processes, args.backend, args.server_url, args.secret)
    try:
        await cluster.start()
    except BaseException:
        print(cluster.log_tail(), file=sys.stderr)
        await cluster.stop()
        raise
    servers = cluster.servers
    document = f"bench-{mode}-{transport}-{int(time.time())}"
    cfg: dict[str, Any] = {
        "mode": mode,
        "transport": transport,
        "transports": ["ws", "sio"] if transport == "both" else [transport],
        "document": document,
        "host": servers[0].host,
        "port": servers[0].port,
        "endpoints": cluster.endpoints(),
        "tokens": {r: cluster.token(r, f"bench-{r}") for r in ("member", "follower")},
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
    sampled = [Usage(s.pid) for s in servers]
    for usage in sampled:
        usage.sample_rss()
    baseline = [u.peak_rss for u in sampled]
    infra = InfraUsage() if cluster.backend == "pg-redis" else None
    machine = MachineUsage()
    vm_hwm: list[int | None] = []
    try:
        with tempfile.TemporaryDirectory(prefix="rollingtext-bench-") as tmp:
            cfg_path, out_path = Path(tmp) / "config.json", Path(tmp) / "result.json"
            cfg_path.write_text(json.dumps(cfg))
            result, client, loaded = await _drive(cfg, cfg_path, out_path, sampled, infra, machine)
        result["stored_update_rows"] = await cluster.stored_update_rows()
    except BaseException:
        print(cluster.log_tail(), file=sys.stderr)
        raise
    finally:
        vm_hwm = [peak_rss_bytes(s.pid) if s.proc is not None and s.pid else None for s in servers]
        await cluster.stop(keep_data=args.keep_data)
    per: list[dict[str, Any]] = []
    for i, (server, usage) in enumerate(zip(servers, sampled, strict=True)):
        per.append(
            {
                "port": server.port,
                "rss_baseline_mb": baseline[i] / MB,
                "rss_loaded_mb": loaded[i] / MB,
                "rss_peak_mb": (vm_hwm[i] or usage.peak_rss) / MB,
            }
        )
    result.update(
        transport=transport,
        mode=mode,
        backend=cluster.backend,
        server_pid_known=all(s.pid is not None for s in servers),
        servers=per,
        server_rss_baseline_mb=max(p["rss_baseline_mb"] for p in per),
        server_rss_loaded_mb=max(p["rss_loaded_mb"] for p in per),
        server_rss_peak_mb=max(p["rss_peak_mb"] for p in per),
        server_rss_peak_source="VmHWM" if all(vm_hwm) else "sampled every 100 ms",
    )
    windows = (
        [
            ("edits-start", "edits-end", "edits"),
            ("start", "edits-start", "connect"),
            ("edits-start", "drained", "delivery"),
        ]
        if mode == "fanout"
        else [("build-start", "build-end", "build")]
        + [(f"warm-{t}-start", f"warm-{t}-end", f"warm_{t}") for t in cfg["transports"]]
    )
    for start, end, label in windows:
        got = client.between(start, end)
        if got is not None:
            result[f"client_cpu_{label}_s"], result[f"client_cpu_{label}_pct"] = got
        each = [u.between(start, end) for u in sampled]
        if all(g is not None for g in each):
            result[f"server_cpu_{label}_s"] = sum(g[0] for g in each if g is not None)
            result[f"server_cpu_{label}_pct"] = sum(g[1] for g in each if g is not None)
            for p, g in zip(per, each, strict=True):
                assert g is not None
                p[f"cpu_{label}_s"], p[f"cpu_{label}_pct"] = g
        if infra is not None and (spent := infra.between(start, end)) is not None:
            result[f"infra_cpu_{label}_s"] = spent
        if (busy := machine.between(start, end)) is not None:
            # Everything else: other users of the machine (and this orchestrator).
            ours = result.get(f"server_cpu_{label}_s", 0.0) + result.get(
                f"client_cpu_{label}_s", 0.0
            )
            ours += sum(result.get(f"infra_cpu_{label}_s", {}).values())
            result[f"machine_cpu_{label}_s"] = busy
            result[f"other_cpu_{label}_s"] = max(0.0, busy - ours)
    if mode == "fanout" and result.get("delivered") and "server_cpu_delivery_s" in result:
        result["server_cpu_us_per_delivery"] = (
            result["server_cpu_delivery_s"] / result["delivered"] * 1e6
        )
    return result


async def _drive(
    cfg: dict[str, Any],
    cfg_path: Path,
    out_path: Path,
    servers: list[Usage],
    infra: InfraUsage | None,
    machine: MachineUsage,
) -> tuple[dict[str, Any], Usage, list[int]]:
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
    everyone = [*servers, client]

    def mark(name: str) -> None:
        now = time.monotonic()
        for usage in everyone:
            usage.mark(name, now)
        if infra is not None:
            infra.mark(name)
        machine.mark(name)

    mark("start")
    loaded_rss = [0] * len(servers)

    async def sample() -> None:
        while True:
            for usage in everyone:
                usage.sample_rss()
            await asyncio.sleep(0.1)

    sampler = asyncio.create_task(sample())
    try:
        assert proc.stdout is not None
        async with asyncio.timeout(cfg["timeout"] + 30):
            while line := (await proc.stdout.readline()).decode():
                if line.startswith("PHASE "):
                    name = line.split()[1]
                    mark(name)
                    if name in ("edits-start", "build-end"):
                        for i, usage in enumerate(servers):
                            usage.sample_rss()
                            loaded_rss[i] = usage.peak_rss
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
