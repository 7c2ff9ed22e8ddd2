"""Rolling-text governance benchmark: ``python -m bench.governance --mode <mode>``.

Modes ``status``, ``lock`` and ``amendment``.

``status``: the chair changes paragraph statuses over HTTP at R/s during a live
session while F light followers of ``/session|<id>`` receive ``paragraph-changed``:
status -> follower latency, delivered vs expected, losses, duplicates, order.
``lock``: a member's replica edits an agreed paragraph at R/s over y-websocket (or
Socket.IO); the server reverts every edit; F light followers of the document:
edit -> reverted-on-follower latency, and every follower must end with the locked text.

``amendment``: N proposals by a member (replacements of distinct marker words in
the session's document), accepted by the chair over HTTP at R/s while F light
followers of ``/session|<id>`` receive ``amendment-updated`` and the draft's updates:
accept -> event latency, accept -> new words in the follower's copy, and every
follower must end with each accepted replacement exactly once.

Three processes as for ``bench.transcript``: the server (``rollingtext serve``,
SQLite in a temporary dir), the load generator (``bench.governanceload``) and this
orchestrator, which sets the group up over HTTP. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp

from bench.amendmentsetup import marked_text, propose_all
from bench.cluster import MachineUsage
from bench.governancereport import failures, report
from bench.server import BenchServer, Usage, peak_rss_bytes
from bench.transcript import call_api, drive

MB = 1024 * 1024
# followers, duration
DEFAULTS = {"status": (1000, 30.0), "lock": (300, 20.0), "amendment": (1000, 30.0)}
TEXTS = (
    "Encourages Member States to [strengthen] enhanced cooperation on public policy issues "
    "pertaining to the Internet, with the participation of all stakeholders",
    "Invites the secretariat to compile a summary of the contributions received and to "
    "circulate it before the next session",
    "Recognizes the role of capacity building for developing countries",
    "Recommends that the working group review progress at its next meeting",
    "Takes note of the divergent views expressed on the modalities of cooperation",
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench.governance", description=__doc__.split("\n")[0]
    )
    p.add_argument("--mode", choices=tuple(DEFAULTS), default="status")
    p.add_argument("--followers", type=int, help="followers (status, amendment 1000; lock 300)")
    p.add_argument(
        "--rate", type=float, default=2.0, help="changes, edits or accepts per second (2)"
    )
    p.add_argument(
        "--duration", type=float, help="seconds of sending (status, amendment 30; lock 20)"
    )
    p.add_argument(
        "--paragraphs", type=int, default=5, help="status, amendment: paragraphs used (5)"
    )
    p.add_argument(
        "--transport", choices=("ws", "sio"), default="ws", help="lock: editor and followers"
    )
    p.add_argument("--batch", type=int, default=50, help="followers connected at a time")
    p.add_argument("--drain", type=float, default=10.0, help="max wait for late deliveries")
    p.add_argument(
        "--anonymous",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="status: session followers without a token (public follow; default)",
    )
    p.add_argument("--json", action="store_true", help="print results as JSON")
    p.add_argument("--server-url", help="use a running server on 127.0.0.1 instead")
    p.add_argument("--secret", help="its token secret (else $ROLLINGTEXT_SECRET)")
    p.add_argument("--keep-data", action="store_true", help="keep the temporary data dir")
    args = p.parse_args(argv)
    followers, duration = DEFAULTS[args.mode]
    args.followers = followers if args.followers is None else args.followers
    args.duration = duration if args.duration is None else args.duration
    return args


async def set_up(server: BenchServer, args: argparse.Namespace) -> dict[str, Any]:
    """A group (public follow) with a chair, a member of Brazil and a follower, each
    with a token from an invitation; the rolling text with its paragraphs; a live
    plenary on it. Lock mode: the last paragraph set to agreed by the chair. Amendment
    mode: the paragraphs hold marker words, and members propose to replace each."""
    operator = server.token("chair", "bench-operator")
    slug = f"bench-{uuid.uuid4().hex[:8]}"
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:

        async def call(
            method: str, path: str, body: Any = None, token: str | None = operator
        ) -> Any:
            return await call_api(http, server.url, method, path, token, body)

        group = await call(
            "POST",
            "/api/groups",
            {"slug": slug, "name": f"Benchmark group {slug}", "public_follow": True},
        )
        gid = group["id"]
        brazil = await call(
            "POST",
            f"/api/groups/{gid}/delegations",
            {"name": "Brazil", "stakeholder_group": "member_states"},
        )
        tokens: dict[str, str] = {}
        for role in ("chair", "member", "follower"):
            person_body: dict[str, Any] = {"name": f"Bench {role}", "role": role}
            if role == "member":
                person_body["delegation_id"] = brazil["id"]
            person = await call("POST", f"/api/groups/{gid}/people", person_body)
            invitation = await call(
                "POST", f"/api/groups/{gid}/invitations", {"person_id": person["id"]}
            )
            opened = await call("GET", f"/invite/{invitation['code']}", token=None)
            tokens[role] = opened["token"]
        document = f"{slug}-rolling"
        await call(
            "POST",
            f"/api/groups/{gid}/documents",
            {"name": document, "title": "Rolling text", "kind": "rolling", "public": True},
        )
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
        count = 2 if args.mode == "lock" else args.paragraphs
        proposals = round(args.rate * args.duration) if args.mode == "amendment" else 0
        paragraphs, texts = [], []
        for i in range(count):
            text = TEXTS[i % len(TEXTS)]
            if proposals:
                text = marked_text(text, range(i, proposals, count))
            made = await call(
                "POST",
                f"/api/documents/{document}/paragraphs",
                {
                    "label": f"OP{i + 1}",
                    "section": "A",
                    "kind": "recommendation",
                    "text": text,
                    "proposers": ["Brazil"],
                },
                tokens["chair"],
            )
            paragraphs.append(made["id"])
            texts.append(text)
        if args.mode == "lock":
            await call(
                "POST",
                f"/api/documents/{document}/paragraphs/{paragraphs[-1]}/status",
                {"status": "agreed", "session": sid},
                tokens["chair"],
            )
        amendments = await propose_all(call, gid, document, paragraphs, texts, proposals)
    return {
        "amendments": amendments,
        "session_id": sid,
        "group_id": gid,
        "document": document,
        "paragraphs": paragraphs,
        "paragraph": paragraphs[-1],
        "locked_text": texts[-1],
        "chair_token": tokens["chair"],
        "member_token": tokens["member"],
        "follower_token": tokens["follower"],
        "session_follower_token": None if args.anonymous else tokens["follower"],
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    server = BenchServer(args.server_url, args.secret)
    await server.start()
    cfg: dict[str, Any] = {
        "mode": args.mode,
        "host": server.host,
        "port": server.port,
        **{
            k: getattr(args, k)
            for k in ("followers", "rate", "duration", "batch", "drain", "transport")
        },
        "timeout": args.duration + args.drain + 240,
    }
    usage = Usage(server.pid)
    usage.sample_rss()
    idle_rss = usage.peak_rss
    machine = MachineUsage()
    try:
        cfg.update(await set_up(server, args))
        if args.mode in ("status", "amendment"):
            # The light session followers read the token under this key.
            cfg["follower_token"] = cfg["session_follower_token"]
        with tempfile.TemporaryDirectory(prefix="rollingtext-bench-") as tmp:
            cfg_path, out_path = Path(tmp) / "config.json", Path(tmp) / "result.json"
            cfg_path.write_text(json.dumps(cfg))
            result, client, loaded = await drive(
                cfg, cfg_path, out_path, usage, machine, "bench.governanceload"
            )
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
        mode=args.mode,
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
    done = result.get("delivered", result.get("reverted"))
    if done and "server_cpu_delivery_s" in result:
        result["server_cpu_us_per_delivery"] = result["server_cpu_delivery_s"] / done * 1e6
    return result


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    result = asyncio.run(run(args))
    if args.json:
        meta = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "args": vars(args)}
        print(json.dumps({"meta": meta, "result": result}, indent=2))
    else:
        print(report(args, result), flush=True)
    return 1 if failures(result) else 0


if __name__ == "__main__":
    sys.exit(main())
