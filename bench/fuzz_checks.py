"""What the fuzzing campaign checks besides the replies: stored documents, the log, health.

- Stored documents are read straight from the server's SQLite file (snapshot
  plus log rows), before the campaign and after the server stopped (its final
  store done), and compared with the "before" state plus every update the
  server *acknowledged*: anything else that changed came from refused input.
- The server log is scanned for tracebacks (grouped by their last line) and
  for 5xx lines of the access log.
- ``/healthz`` is polled throughout: a failed or very slow answer is a stall.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pycrdt

from crdt import updates

TEXT_ROOT = "t"


def stored_parts(db: Path, names: list[str]) -> dict[str, list[bytes]]:
    """Snapshot then log rows of each document, read-only, straight from SQLite."""
    out: dict[str, list[bytes]] = {}
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        for name in names:
            row = con.execute("SELECT id FROM documents WHERE name = ?", (name,)).fetchone()
            if row is None:
                out[name] = []
                continue
            snap = con.execute(
                "SELECT data FROM document_snapshots WHERE document_id = ?", (row[0],)
            ).fetchone()
            rows = con.execute(
                "SELECT data FROM document_updates WHERE document_id = ? ORDER BY id", (row[0],)
            ).fetchall()
            out[name] = ([bytes(snap[0])] if snap else []) + [bytes(r[0]) for r in rows]
    return out


def server_clients(db: Path, names: list[str]) -> dict[str, set[int]]:
    """The Yjs client ids the server itself wrote with (the guard's reverts of refused
    governed writes and locked-text edits, v1 upgrades): legitimate, never a fuzzer's."""
    out: dict[str, set[int]] = {name: set() for name in names}
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        for name in names:
            rows = con.execute(
                "SELECT c.client_id FROM document_clients c JOIN documents d"
                " ON d.id = c.document_id WHERE d.name = ? AND c.person_id IS NULL"
                " AND c.name = 'server'",
                (name,),
            ).fetchall()
            out[name] = {int(r[0]) for r in rows}
    return out


def build(parts: list[bytes]) -> pycrdt.Doc[Any]:
    doc: pycrdt.Doc[Any] = pycrdt.Doc()
    for part in parts:
        doc.apply_update(part)
    return doc


def describe(doc: pycrdt.Doc[Any]) -> tuple[dict[int, int], str, bytes]:
    """What must be equal: state vector, the text, and the delete set."""
    delete_set = doc.get_update(doc.get_state())
    return (
        updates.decode_state_vector(doc.get_state()),
        str(doc.get(TEXT_ROOT, type=pycrdt.Text)),
        delete_set,
    )


def same_document(a: pycrdt.Doc[Any], b: pycrdt.Doc[Any]) -> bool:
    sa, ta, _ = describe(a)
    sb, tb, _ = describe(b)
    if sa != sb or ta != tb:
        return False
    # deletions: applying one to the other must change nothing
    for x, y in ((a, b), (b, a)):
        probe: pycrdt.Doc[Any] = pycrdt.Doc()
        probe.apply_update(x.get_update())
        probe.apply_update(y.get_update())
        if str(probe.get(TEXT_ROOT, type=pycrdt.Text)) != ta:
            return False
    return True


@dataclass
class DocumentCheck:
    name: str
    accepted_updates: int
    changed_unexpectedly: bool  # holds something no acknowledged update carried
    equal_to_replay: bool  # equals before + acknowledged updates replayed in our order
    before_chars: int
    after_chars: int
    expected_chars: int


def check_documents(
    before: dict[str, list[bytes]],
    after: dict[str, list[bytes]],
    accepted: dict[str, list[bytes]],
    server_ids: dict[str, set[int]] | None = None,
) -> list[DocumentCheck]:
    checks = []
    for name, parts in before.items():
        expected = build(parts + accepted.get(name, []))
        actual = build(after.get(name, []))
        # Fuzzed updates that were valid enough to be taken may claim the same
        # (client, clock) ids with different content: then the result depends on
        # the order they arrived in, which concurrent connections do not fix. What
        # refused input must never do is add ids no acknowledged update carried.
        have = updates.decode_state_vector(actual.get_state())
        may = updates.decode_state_vector(expected.get_state())
        own = (server_ids or {}).get(name, set())
        extra = {c: k for c, k in have.items() if k > may.get(c, 0) and c not in own}
        checks.append(
            DocumentCheck(
                name,
                len(accepted.get(name, [])),
                bool(extra),
                same_document(expected, actual),
                len(str(build(parts).get(TEXT_ROOT, type=pycrdt.Text))),
                len(str(actual.get(TEXT_ROOT, type=pycrdt.Text))),
                len(str(expected.get(TEXT_ROOT, type=pycrdt.Text))),
            )
        )
    return checks


# -- the server log ------------------------------------------------------------------------

_ACCESS = re.compile(r'"([A-Z]+) ([^"]*)" (5\d\d) ')


@dataclass
class LogFindings:
    lines: int = 0
    tracebacks: int = 0
    by_exception: Counter[str] = field(default_factory=Counter)
    where: dict[str, str] = field(default_factory=dict)  # exception -> last server frame
    server_errors: list[str] = field(default_factory=list)  # 5xx access lines


def scan_log(text: str) -> LogFindings:
    found = LogFindings()
    lines = text.splitlines()
    found.lines = len(lines)
    in_tb = False
    last_frame = ""
    for line in lines:
        if line.startswith("Traceback (most recent call last)"):
            found.tracebacks += 1
            in_tb, last_frame = True, ""
            continue
        if in_tb:
            if line.startswith("  File "):
                if "/server/" in line or "/crdt/" in line:
                    last_frame = line.strip()
                continue
            if line.startswith("    ") or line.startswith("During handling") or not line.strip():
                continue
            if line.startswith("The above exception"):
                continue
            exc = line.strip()[:200]
            found.by_exception[exc] += 1
            found.where.setdefault(exc, last_frame)
            in_tb = False
        if (m := _ACCESS.search(line)) is not None:
            found.server_errors.append(f"{m.group(1)} {m.group(2)[:160]} -> {m.group(3)}")
    return found


# -- health ----------------------------------------------------------------------------------


@dataclass
class Health:
    probes: int = 0
    failures: int = 0  # no 200 within the timeout
    slowest: float = 0.0
    died: bool = False


async def watch_health(
    url: str, health: Health, stop: asyncio.Event, alive: Any, every: float = 1.0
) -> None:
    """Poll ``/healthz`` until ``stop``; ``alive()`` says whether the process still runs."""
    timeout = aiohttp.ClientTimeout(total=15)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        while not stop.is_set():
            if not alive():
                health.died = True
                return
            started = time.monotonic()
            try:
                async with session.get(f"{url}/healthz") as resp:
                    ok = resp.status == 200
                    await resp.read()
            except (aiohttp.ClientError, TimeoutError):
                ok = False
            health.probes += 1
            health.slowest = max(health.slowest, time.monotonic() - started)
            if not ok:
                health.failures += 1
            try:
                await asyncio.wait_for(stop.wait(), every)
            except TimeoutError:
                pass
