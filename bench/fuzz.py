"""``python -m bench.fuzz``: a bounded, reproducible fuzzing campaign against a real server.

One run starts a fresh ``rollingtext serve`` (SQLite in a temporary dir,
127.0.0.1 only), seeds a working group with one person of every role, two
documents with text, a live session, a comment and a transcript segment, then:

1. sends ``--ws-frames`` malformed y-websocket frames to ``/ws/<doc>``;
2. sends ``--sio-frames`` malformed Socket.IO / Engine.IO inputs to
   ``/yjs|<doc>`` and ``/session|<id>`` (sync, awareness, comment and
   transcript events, framing garbage, odd namespaces);
3. runs schemathesis over the whole HTTP API with every role's token;

and reports crashes (process died, ``/healthz`` failed), 5xx responses,
tracebacks in the server log, inputs that got no answer, refused-kind input
that was acknowledged (e.g. an update with trailing bytes), and stored
documents that differ from "before + every acknowledged update". The exit code
is 1 when any of those is non-zero. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench import fuzz_frames as frames
from bench.fuzz_checks import (
    Health,
    check_documents,
    scan_log,
    server_clients,
    stored_parts,
    watch_health,
)
from bench.fuzz_http import HttpResult, run_schemathesis
from bench.fuzz_wire import (
    ACCEPTED,
    REFUSED,
    SILENT,
    SioConn,
    ack_ok,
    open_ws,
    sio_exchange,
    ws_exchange,
)
from bench.server import BenchServer
from crdt import protocol, updates
from crdt.encoding import DecodeError
from tests.support.groups import Api, build_group

WRITERS = {"chair", "secretariat", "member"}
# Kinds of input the server must refuse: acknowledging one is a finding.
MUST_REFUSE = ("trailing", "count-mismatch", "not-json")


@dataclass
class Options:
    seed: int = 1
    ws_frames: int = 10_000
    sio_frames: int = 10_000
    workers: int = 4
    examples: int = 10  # schemathesis examples per operation and role
    http_roles: tuple[str, ...] = ()  # () = every role
    max_seconds: float = 1200.0  # the frame phases stop sending when this is spent
    reply_timeout: float = 10.0
    grace: float = 2.0
    out_dir: Path | None = None
    schemathesis: bool = True
    http_seconds: float = 150.0  # schemathesis time budget per role


@dataclass
class Identity:
    role: str
    token: str | None
    writer: bool


@dataclass
class Tally:
    sent: int = 0
    verdicts: Counter[str] = field(default_factory=Counter)
    close_codes: Counter[str] = field(default_factory=Counter)
    by_kind: dict[str, Counter[str]] = field(default_factory=dict)
    silent: list[str] = field(default_factory=list)  # inputs that got no answer
    # framing garbage after which the connection answered nothing more (e.g. a packet
    # announcing attachments that never come): reported, not a failure by itself;
    # Engine.IO's heartbeat ends such a connection
    stalled: list[str] = field(default_factory=list)
    wrongly_accepted: list[str] = field(default_factory=list)  # MUST_REFUSE kinds taken
    handshakes: Counter[str] = field(default_factory=Counter)  # connect outcomes

    def record(self, kind: str, verdict: str) -> None:
        self.sent += 1
        self.verdicts[verdict] += 1
        self.by_kind.setdefault(kind, Counter())[verdict] += 1


@dataclass
class Report:
    seed: int
    seconds: float = 0.0
    ws: Tally = field(default_factory=Tally)
    sio: Tally = field(default_factory=Tally)
    health: Health = field(default_factory=Health)
    http: list[HttpResult] = field(default_factory=list)
    documents: list[Any] = field(default_factory=list)
    tracebacks: int = 0
    exceptions: dict[str, int] = field(default_factory=dict)
    exception_sites: dict[str, str] = field(default_factory=dict)
    server_errors: list[str] = field(default_factory=list)
    log_lines: int = 0
    out_dir: str = ""

    @property
    def crashes(self) -> int:
        return int(self.health.died) + self.health.failures

    @property
    def http_failures(self) -> int:
        return sum(len(r.failures) for r in self.http)

    @property
    def unexpected_changes(self) -> int:
        return sum(1 for d in self.documents if d.changed_unexpectedly)

    @property
    def ok(self) -> bool:
        return not (
            self.crashes
            or self.server_errors
            or self.tracebacks
            or self.http_failures
            or self.unexpected_changes
            or self.ws.silent
            or self.sio.silent
            or self.ws.wrongly_accepted
            or self.sio.wrongly_accepted
            or any(r.error for r in self.http)
        )


def _must_refuse(kind: str) -> bool:
    return kind.rsplit("/", 1)[-1] in MUST_REFUSE


# -- seeding -------------------------------------------------------------------------------


async def seed(server: BenchServer) -> dict[str, Any]:
    operator = server.token("chair", "fuzz-operator")
    async with Api.open(server.url) as api:
        group = await build_group(api, operator)
        chair = group.token("chair")
        meeting = await api.ok(
            "POST",
            f"/api/groups/{group.id}/meetings",
            chair,
            {"number": 1, "title": "Fuzz", "starts_on": "2026-11-28", "ends_on": "2026-11-29"},
        )
        session = await api.ok(
            "POST",
            f"/api/meetings/{meeting['id']}/sessions",
            chair,
            {
                "kind": "plenary",
                "title": "Plenary",
                "document": group.document,
                "scheduled_start": "2026-11-28T10:00:00+01:00",
                "scheduled_end": "2026-11-28T13:00:00+01:00",
            },
        )
        await api.ok("POST", f"/api/sessions/{session['id']}/status", chair, {"status": "live"})
        segment = await api.ok(
            "POST",
            f"/api/sessions/{session['id']}/transcript",
            group.token("captioner"),
            {"segments": [{"client_key": "k0", "text": "Opening.", "start_ms": 0, "end_ms": 900}]},
        )
        comment = await api.ok(
            "POST",
            f"/api/documents/{group.document}/comments",
            group.token("member"),
            {"body": "A first comment."},
        )
    identities = [Identity("anonymous", None, False)]
    identities += [Identity(r, p.token, r in WRITERS) for r, p in group.people.items()]
    for role in ("chair", "secretariat", "member", "observer", "follower", "captioner"):
        token = server.token(role, f"fuzz-operator-{role}")
        identities.append(Identity(f"operator-{role}", token, role in WRITERS))
    segments = segment.get("segments", []) if isinstance(segment, dict) else []
    return {
        "group": group,
        "session_id": session["id"],
        "meeting_id": meeting["id"],
        "comment_ids": [comment["comment"]["id"] if "comment" in comment else comment["id"]],
        "segment_ids": [s["id"] for s in segments if isinstance(s, dict) and "id" in s],
        "identities": identities,
    }


# -- frame phases --------------------------------------------------------------------------


class Campaign:
    def __init__(self, server: BenchServer, options: Options, seeded: dict[str, Any]) -> None:
        self.server = server
        self.o = options
        self.seeded = seeded
        self.group = seeded["group"]
        self.identities: list[Identity] = seeded["identities"]
        self.accepted: dict[str, list[bytes]] = {}
        self.deadline = 0.0
        self.material: frames.Material | None = None

    def _rng(self, *key: object) -> random.Random:
        return random.Random(f"{self.o.seed}:" + ":".join(map(str, key)))

    def _pick(self, rng: random.Random) -> tuple[Identity, str]:
        ident = rng.choice(self.identities)
        doc = self.group.private_document if rng.random() < 0.15 else self.group.document
        return ident, doc

    def _take(self, document: str, update: bytes) -> None:
        self.accepted.setdefault(document, []).append(update)

    def _over(self) -> bool:
        return time.monotonic() > self.deadline

    async def ws_worker(self, w: int, tally: Tally) -> None:
        assert self.material is not None
        port = self.server.port
        conn = None
        ident, doc = self._pick(self._rng("ws-conn", w, 0))
        n_conn = 0
        for i in range(w, self.o.ws_frames, self.o.workers):
            if self._over():
                return
            rng = self._rng("ws", i)
            frame = frames.ws_frame(rng, self.material)
            for _ in range(20):  # a refused connection does not use up the frame
                if conn is not None and not conn.closed:
                    break
                n_conn += 1
                ident, doc = self._pick(self._rng("ws-conn", w, n_conn))
                conn = await open_ws(port, doc, ident.token or "", self.o.reply_timeout)
                if conn.ws is None:
                    tally.handshakes[f"http {conn.status}"[:80]] += 1
                    conn = None
                    continue
                first = await conn.next(self.o.reply_timeout)
                if first is None:
                    tally.handshakes[f"closed {conn.close_code()} ({ident.role})"] += 1
                    conn = None
                    continue
                tally.handshakes["open"] += 1
            if conn is None:
                continue
            verdict = await ws_exchange(conn, frame.data, self.o.reply_timeout)
            kind = frame.kind
            tally.record(kind, verdict.verdict)
            if verdict.verdict == REFUSED:
                tally.close_codes[str(verdict.close_code)] += 1
            elif verdict.verdict == SILENT:
                tally.silent.append(f"ws {kind} ({ident.role}) {_show(frame.data)}")
                conn.close()
                conn = None
            elif verdict.verdict == ACCEPTED:
                self._accepted_ws(frame, ident, doc, tally)
        if conn is not None:
            conn.close()

    def _accepted_ws(self, frame: frames.Frame, ident: Identity, doc: str, tally: Tally) -> None:
        if isinstance(frame.data, str):
            return
        try:
            message = protocol.decode(frame.data)
        except DecodeError:
            tally.wrongly_accepted.append(f"ws undecodable frame taken: {_show(frame.data)}")
            return
        is_update = message.sync_type in (protocol.SyncType.STEP2, protocol.SyncType.UPDATE)
        if message.type is protocol.MessageType.SYNC and is_update:
            if ident.writer and message.payload != updates.EMPTY_UPDATE:
                self._take(doc, message.payload)
            if _must_refuse(frame.kind) and ident.writer:
                tally.wrongly_accepted.append(f"ws {frame.kind} ({ident.role}) {_show(frame.data)}")
        elif _must_refuse(frame.kind) and not frame.kind.startswith("envelope/auth"):
            tally.wrongly_accepted.append(f"ws {frame.kind} ({ident.role}) {_show(frame.data)}")

    async def sio_worker(self, w: int, tally: Tally) -> None:
        assert self.material is not None
        conn: SioConn | None = None
        ident, doc, ns = self._pick_sio(w, 0)
        n_conn = 0
        session = False
        for i in range(w, self.o.sio_frames, self.o.workers):
            if self._over():
                break
            rng = self._rng("sio", i)
            for _ in range(20):  # a refused connection does not use up the input
                if conn is not None and not conn.closed:
                    break
                n_conn += 1
                ident, doc, ns = self._pick_sio(w, n_conn)
                conn = SioConn(ns)
                packet = await conn.open(self.server.port, ident.token, self.o.reply_timeout)
                outcome = (
                    "no answer" if packet is None else ("open" if packet.type == 0 else "refused")
                )
                code = conn.close_code()
                if packet is None and code not in (None, 1006):
                    # Refused at the WebSocket level with a close code (1007: a text frame
                    # that is not UTF-8, before Socket.IO could even read the namespace).
                    outcome = f"refused by close {code}"
                if packet is not None and packet.type == 4:
                    has_code = isinstance(packet.data, dict) and "code" in json.dumps(packet.data)
                    outcome += " with code" if has_code else " WITHOUT error payload"
                tally.handshakes[f"{outcome}: {_ns_kind(ns)}"] += 1
                if packet is None or packet.type != 0:
                    if outcome == "no answer" or "WITHOUT" in outcome:
                        tally.silent.append(f"sio connect {ns[:80]!r} ({ident.role}): {outcome}")
                    conn.close()
                    conn = None
                    continue
                session = ns.startswith("/session|")
            if conn is None:
                continue
            action = frames.sio_action(rng, self.material, conn.ns, session=session)
            verdict, ack = await sio_exchange(
                conn, action.packets, action.acked, self.o.reply_timeout, self.o.grace
            )
            tally.record(action.kind, verdict)
            if verdict == SILENT:
                where = tally.stalled if action.kind.startswith("packet/") else tally.silent
                where.append(f"sio {action.kind} ({ident.role}) {_show(action.packets)}")
                conn.close()
                conn = None
            elif verdict == ACCEPTED and action.attachment is not None and ack is not None:
                if action.event in ("sync-update", "sync-step-2") and ack_ok(ack):
                    if ident.writer and action.attachment != updates.EMPTY_UPDATE and not session:
                        self._take(doc, action.attachment)
                    if _must_refuse(action.kind) and ident.writer and not session:
                        tally.wrongly_accepted.append(
                            f"sio {action.kind} ({ident.role}) {_show(action.attachment)}"
                        )
                elif action.event == "awareness-update" and _must_refuse(action.kind):
                    tally.wrongly_accepted.append(
                        f"sio {action.kind} ({ident.role}) {_show(action.attachment)}"
                    )
        if conn is not None:
            conn.close()

    def _pick_sio(self, w: int, n: int) -> tuple[Identity, str, str]:
        rng = self._rng("sio-conn", w, n)
        ident, doc = self._pick(rng)
        r = rng.random()
        if r < 0.15:
            ns = f"/session|{self.seeded['session_id']}"
            return ident, self.group.document, ns
        if r < 0.25:
            ns = frames.namespace_variant(rng, doc, self.seeded["session_id"])
            return ident, doc, ns
        return ident, doc, f"/yjs|{doc}"

    async def run_frames(self, report: Report) -> None:
        before = stored_parts(self.db, [self.group.document, self.group.private_document])
        full = updates.merge(before[self.group.document]) if before[self.group.document] else b""
        self.material = frames.make_material(self._rng("material"), full or b"\x00\x00")
        self.material.comment_ids = self.seeded["comment_ids"]
        self.material.segment_ids = self.seeded["segment_ids"] or [1]
        self.before = before
        self.deadline = time.monotonic() + self.o.max_seconds
        await asyncio.gather(
            *(self.ws_worker(w, report.ws) for w in range(self.o.workers)),
            *(self.sio_worker(w, report.sio) for w in range(self.o.workers)),
        )

    @property
    def db(self) -> Path:
        assert self.server.data_dir is not None
        return self.server.data_dir / "rollingtext.db"


def _show(data: object, limit: int = 120) -> str:
    text = repr(data)
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} chars)"


def _ns_kind(ns: str) -> str:
    head, _, rest = ns.partition("|")
    return f"{head}|<{len(rest)} chars>" if len(rest) > 30 else ns


# -- the run -----------------------------------------------------------------------------


async def run_campaign(options: Options) -> Report:
    report = Report(options.seed)
    started = time.monotonic()
    server = BenchServer()
    try:
        await server.start(timeout=180)  # a busy machine may take a while
    except BaseException:
        server.stop()
        raise
    out_dir = options.out_dir or (server.data_dir or Path(".")) / "fuzz-report"
    out_dir.mkdir(parents=True, exist_ok=True)
    report.out_dir = str(out_dir) if options.out_dir else "(none kept: pass --out DIR)"
    stop = asyncio.Event()
    watcher = None
    try:
        seeded = await seed(server)
        campaign = Campaign(server, options, seeded)
        proc = server.proc
        assert proc is not None
        watcher = asyncio.create_task(
            watch_health(server.url, report.health, stop, lambda: proc.poll() is None)
        )
        await campaign.run_frames(report)
        if options.schemathesis:
            await _http_phase(server, options, seeded, report, out_dir)
        stop.set()
        await watcher
        alive = proc.poll() is None
        report.health.died = report.health.died or not alive
        server.stop(keep_data=True)
        after = stored_parts(campaign.db, list(campaign.before))
        report.documents = check_documents(
            campaign.before,
            after,
            campaign.accepted,
            server_clients(campaign.db, list(campaign.before)),
        )
    finally:
        stop.set()
        if watcher is not None and not watcher.done():
            watcher.cancel()
        log = server.log_tail(chars=50_000_000)
        (out_dir / "server.log").write_text(log)
        server.stop()
    found = scan_log(log)
    report.log_lines = found.lines
    report.tracebacks = found.tracebacks
    report.exceptions = dict(found.by_exception.most_common())
    report.exception_sites = found.where
    report.server_errors = found.server_errors
    report.seconds = time.monotonic() - started
    return report


async def _http_phase(
    server: BenchServer, o: Options, seeded: dict[str, Any], report: Report, out_dir: Path
) -> None:
    group = seeded["group"]
    params: dict[str, object] = {
        "gid": group.id,
        "document": group.document,
        "sid": seeded["session_id"],
        "mid": seeded["meeting_id"],
        "cid": seeded["comment_ids"][0],
    }
    if seeded["segment_ids"]:
        params["seg"] = seeded["segment_ids"][0]
    # least powerful first: the chair's run may revoke people and their tokens
    order = ["anonymous", "follower", "observer", "captioner", "member", "secretariat", "chair"]
    tokens = {i.role: i.token for i in seeded["identities"]}
    roles = [r for r in order if not o.http_roles or r in o.http_roles]
    for n, role in enumerate(roles):
        report.http.append(
            await run_schemathesis(
                server.url,
                role,
                tokens.get(role),
                out_dir=out_dir,
                max_examples=o.examples,
                seed=o.seed + n,
                max_time=o.http_seconds,
                parameters=params,
            )
        )
    if not o.http_roles or "operator" in o.http_roles:
        report.http.append(
            await run_schemathesis(
                server.url,
                "operator",
                tokens["operator-chair"],
                out_dir=out_dir,
                max_examples=o.examples,
                seed=o.seed + 99,
                max_time=o.http_seconds,
            )
        )


# -- output ---------------------------------------------------------------------------------


def render(report: Report) -> str:
    lines = [
        f"fuzz campaign, seed {report.seed}, {report.seconds:.0f} s; artefacts in {report.out_dir}"
    ]
    for name, t in (("y-websocket", report.ws), ("Socket.IO", report.sio)):
        lines.append(
            f"{name}: {t.sent} inputs sent; verdicts {dict(t.verdicts)}; "
            f"close codes {dict(t.close_codes)}"
        )
        lines.append(f"  connections: {dict(t.handshakes)}")
        lines.append(f"  silent (no answer): {len(t.silent)}")
        for kind, count in Counter(x.split(" (")[0] for x in t.silent).most_common(20):
            example = next(x for x in t.silent if x.startswith(kind + " ("))
            lines.append(f"    {count} x {kind}, e.g. {example[len(kind) :][:220]}")
        stalled = Counter(x.split(" (")[0] for x in t.stalled)
        lines.append(f"  stalled after framing garbage: {len(t.stalled)} {dict(stalled)}")
        lines.append(f"  refused-kind input acknowledged: {len(t.wrongly_accepted)}")
        kinds = Counter(x.split(" (")[0] for x in t.wrongly_accepted)
        for kind, count in kinds.most_common(10):
            lines.append(f"    {count} x {kind}")
    lines.append(
        f"health: {report.health.probes} /healthz probes, {report.health.failures} failed, "
        f"slowest {report.health.slowest:.2f} s, process died: {report.health.died}"
    )
    lines.append(f"crashes: {report.crashes}")
    lines.append(f"HTTP (schemathesis): {sum(r.test_cases for r in report.http)} test cases")
    for r in report.http:
        extra = f" ERROR {r.error}" if r.error else ""
        lines.append(f"  {r.role}: {r.test_cases} cases, {len(r.failures)} failures{extra}")
        for f in r.failures[:12]:
            lines.append(f"    {f.operation} [{f.status}] {f.check}: {f.curl[:300]}")
    lines.append(f"5xx responses in the access log: {len(report.server_errors)}")
    for item in Counter(report.server_errors).most_common(15):
        lines.append(f"  {item[1]} x {item[0]}")
    lines.append(f"log: {report.log_lines} lines, {report.tracebacks} tracebacks")
    for exc, count in list(report.exceptions.items())[:15]:
        lines.append(f"  {count} x {exc}")
        if report.exception_sites.get(exc):
            lines.append(f"      at {report.exception_sites[exc][:200]}")
    lines.append("stored documents (before + acknowledged updates == after):")
    for d in report.documents:
        state = "CHANGED BY REFUSED INPUT" if d.changed_unexpectedly else "nothing unacknowledged"
        if not d.equal_to_replay:
            state += " (differs from our replay order: conflicting fuzzed ids taken)"
        lines.append(
            f"  {d.name}: {state}; {d.accepted_updates} acknowledged updates; "
            f"chars {d.before_chars} -> {d.after_chars} (expected {d.expected_chars})"
        )
    lines.append("RESULT: " + ("clean" if report.ok else "FINDINGS (exit 1)"))
    return "\n".join(lines)


def _json_report(report: Report) -> dict[str, Any]:
    data = asdict(report)
    data.update(
        crashes=report.crashes,
        http_failures=report.http_failures,
        unexpected_changes=report.unexpected_changes,
        ok=report.ok,
    )
    return data


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.fuzz", description=__doc__.split("\n")[0])
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--ws-frames", type=int, default=10_000)
    p.add_argument("--sio-frames", type=int, default=10_000)
    p.add_argument("--workers", type=int, default=4, help="concurrent connections per transport")
    p.add_argument("--examples", type=int, default=10, help="schemathesis examples per operation")
    p.add_argument("--http-roles", default="", help="comma-separated roles (default: all)")
    p.add_argument("--no-http", action="store_true", help="skip schemathesis")
    p.add_argument("--http-seconds", type=float, default=150.0, help="schemathesis budget per role")
    p.add_argument("--max-seconds", type=float, default=1200.0, help="time budget for frames")
    p.add_argument("--out", type=Path, default=None, help="keep artefacts here")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    a = p.parse_args(argv)
    options = Options(
        seed=a.seed,
        ws_frames=a.ws_frames,
        sio_frames=a.sio_frames,
        workers=a.workers,
        examples=a.examples,
        http_roles=tuple(r for r in a.http_roles.split(",") if r),
        max_seconds=a.max_seconds,
        out_dir=a.out,
        schemathesis=not a.no_http,
        http_seconds=a.http_seconds,
    )
    report = asyncio.run(run_campaign(options))
    print(json.dumps(_json_report(report), default=str, indent=1) if a.json else render(report))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
