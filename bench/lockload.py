"""The ``lock`` mode of the governance benchmark's load generator (``bench/governanceload.py``).

A paragraph is agreed (locked). A member's pycrdt replica (y-websocket, or Socket.IO
with ``--transport sio``, where it must also get a ``paragraph_locked`` error) inserts a
unique marker ``<e00sNNNNNN>`` into that paragraph at R/s; the server must revert each
edit with an update of its own. F light followers of the document (same transport)
keep every update frame raw with its read time; after the run each distinct frame
stream is replayed into a pycrdt ``Doc`` (``bench/lockreplay.py``) to find, per edit,
the first frame after which the follower's copy holds the edit *and* its revert.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass
from typing import Any

from bench.lockreplay import Edit, replay
from bench.peers import YClient
from bench.stats import summary
from crdt import schema
from crdt.updates import decode_state_vector, new_doc


def phase(name: str) -> None:
    print(f"PHASE {name}", flush=True)


class LockFollower(YClient):
    """A light follower that also keeps each update frame's read time."""

    def __init__(self, cfg: dict[str, Any]) -> None:
        super().__init__(
            cfg["transport"],
            cfg["document"],
            cfg["follower_token"],
            replica=False,
            host=cfg["host"],
            port=cfg["port"],
        )
        self.times: list[float] = []  # aligned with self.frames

    def _got_update(self, payload: bytes, raw: bytes, now: float) -> None:
        super()._got_update(payload, raw, now)
        self.times.append(now)


@dataclass
class Reverted:
    """What the editor's own replica saw: its edits and when the locked text came back."""

    pending: list[int]
    at: dict[int, float]


class LockEditor(YClient):
    """A member's full replica that edits the locked paragraph and watches the reverts."""

    def __init__(self, cfg: dict[str, Any]) -> None:
        super().__init__(
            cfg["transport"],
            cfg["document"],
            cfg["member_token"],
            replica=True,
            host=cfg["host"],
            port=cfg["port"],
        )
        self.doc = new_doc()  # a 32-bit client id, as Yjs clients pick
        self.paragraph: str = cfg["paragraph"]
        self.locked: str = cfg["locked_text"]
        self.reverted = Reverted([], {})
        self.rng = random.Random(12)
        self.refusals: list[float] = []  # Socket.IO: paragraph_locked error events, read time

    def _text_event(self, data: bytes, now: float) -> None:
        if b'"paragraph_locked"' in data[:200] and b'["error"' in data[:100]:
            self.refusals.append(now)
        else:
            super()._text_event(data, now)

    def text(self) -> str:
        assert self.doc is not None
        return str(schema.text_root(self.doc, self.paragraph))

    def _got_update(self, payload: bytes, raw: bytes, now: float) -> None:
        super()._got_update(payload, raw, now)
        if self.reverted.pending and self.text() == self.locked:
            for k in self.reverted.pending:
                self.reverted.at[k] = now
            self.reverted.pending.clear()

    def edit(self, k: int) -> Edit:
        """Insert marker ``k`` at a random word boundary of the locked paragraph; send it."""
        assert self.doc is not None
        text = schema.text_root(self.doc, self.paragraph)
        current = str(text)
        at = current.find(" ", self.rng.randint(0, len(current))) + 1 or len(current)
        marker = f"<e00s{k:06d}>"
        before = self.doc.get_state()
        text.insert(at, marker + " ")
        update = self.doc.get_update(before)
        clock = decode_state_vector(self.doc.get_state())[self.doc.client_id]
        self.reverted.pending.append(k)
        sent = self.send_update(update)
        return Edit(k, marker.encode(), sent, clock)


async def edit_loop(editor: LockEditor, rate: float, count: int) -> list[Edit]:
    loop = asyncio.get_running_loop()
    start = loop.time()
    edits: list[Edit] = []
    for k in range(count):
        await asyncio.sleep(max(0.0, start + k / rate - loop.time()))
        edits.append(editor.edit(k + 1))
    return edits


async def drain(
    editor: LockEditor, followers: list[LockFollower], edits: int, limit: float
) -> None:
    """Until the editor holds the locked text, every follower saw every edit, and no
    follower has received anything for 0.5 s (the reverts): at most ``limit`` s."""
    deadline = time.monotonic() + limit
    quiet_since, counts = time.monotonic(), [-1] * len(followers)
    while time.monotonic() < deadline:
        now_counts = [len(f.frames) for f in followers]
        if now_counts != counts:
            counts, quiet_since = now_counts, time.monotonic()
        done = not editor.reverted.pending and all(len(f.marks) >= edits for f in followers)
        if done and time.monotonic() - quiet_since >= 0.5:
            return
        await asyncio.sleep(0.05)


async def run_lock(cfg: dict[str, Any]) -> dict[str, Any]:
    editor = LockEditor(cfg)
    await editor.connect(30)
    followers = [LockFollower(cfg) for _ in range(cfg["followers"])]
    phase("start")
    t0 = time.monotonic()
    for i in range(0, len(followers), cfg["batch"]):
        await asyncio.gather(*(f.connect(60) for f in followers[i : i + cfg["batch"]]))
    connect_s = time.monotonic() - t0
    phase("connected")
    await asyncio.sleep(1.0)  # settle: every greeting answered
    if editor.text() != cfg["locked_text"]:
        raise RuntimeError(f"the locked paragraph holds {editor.text()!r} before any edit")
    phase("send-start")
    edits = await edit_loop(editor, cfg["rate"], round(cfg["rate"] * cfg["duration"]))
    phase("send-end")
    await drain(editor, followers, len(edits), cfg["drain"])
    phase("drained")
    # A fresh join after the run: the server's own state.
    fresh = YClient(
        cfg["transport"],
        cfg["document"],
        cfg["follower_token"],
        replica=True,
        host=cfg["host"],
        port=cfg["port"],
    )
    await fresh.connect(30)
    assert fresh.doc is not None and editor.doc is not None
    server_text = str(schema.text_root(fresh.doc, cfg["paragraph"]))
    assert editor.doc.client_id is not None
    result = replay(
        edits,
        followers,
        frame_times=[f.times for f in followers],
        editor_client=editor.doc.client_id,
        paragraph=cfg["paragraph"],
        locked=cfg["locked_text"],
    )
    editor_ms = [
        (editor.reverted.at[e.k] - e.at) * 1000 for e in edits if e.k in editor.reverted.at
    ]
    refused_ms = [(t - e.at) * 1000 for e, t in zip(edits, editor.refusals, strict=False)]
    result.update(
        transport=cfg["transport"],
        editor_refusals=len(editor.refusals),
        editor_refusal_ms=summary(refused_ms),
        connect_seconds=connect_s,
        edits_sent=len(edits),
        editor_revert_ms=summary(editor_ms),
        editor_unreverted=len(edits) - len(editor_ms),
        editor_text_locked=editor.text() == cfg["locked_text"],
        server_text_locked=server_text == cfg["locked_text"],
        server_text_sample=server_text[:200],
        client_errors=sum(len(c.errors) for c in [editor, *followers]),
        client_error_samples=[e for c in [editor, *followers] for e in c.errors][:5],
    )
    for c in [editor, fresh, *followers]:
        c.close()
    await asyncio.sleep(0.2)
    return result
