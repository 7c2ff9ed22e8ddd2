"""When a status change became visible in a session follower's copy of the draft.

A status is governed state in the draft's ``index`` root, so a follow view that
renders the badge from its replica shows it when the Yjs update carrying it
arrives, which may be before or after the ``paragraph-changed`` event. Each
distinct byte stream (state at join + ``sync-update`` attachments) is replayed once
into a pycrdt ``Doc``; change k of a paragraph is visible after the first frame at
which that paragraph's status is k's status, following change k-1's frame.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import pycrdt

from bench.stats import summary
from crdt import schema


class Sent(Protocol):
    k: int
    paragraph: str
    status: str
    at: float

    @property
    def ok(self) -> bool: ...


class Draft(Protocol):
    draft_state: bytes | None
    draft_updates: list[tuple[bytes, float]]


def _key(f: Draft) -> str:
    h = hashlib.blake2b(digest_size=16)
    h.update(f.draft_state or b"")
    for payload, _ in f.draft_updates:
        h.update(len(payload).to_bytes(4, "big"))
        h.update(payload)
    return h.hexdigest()


def visible_at(f: Draft, changes: Sequence[Sent]) -> list[int | None]:
    """Per change, the index of the update after which the follower's copy shows it."""
    doc: pycrdt.Doc[Any] = pycrdt.Doc()
    if f.draft_state is not None:
        doc.apply_update(f.draft_state)
    index = schema.index(doc)
    queues: dict[str, list[int]] = {}
    for i, c in enumerate(changes):
        if c.ok:
            queues.setdefault(c.paragraph, []).append(i)
    found: list[int | None] = [None] * len(changes)
    for n, (payload, _) in enumerate(f.draft_updates):
        doc.apply_update(payload)
        for pid, queue in queues.items():
            record = index.get(pid)
            status = record.get("status") if isinstance(record, Mapping) else None
            if queue and status == changes[queue[0]].status:
                found[queue.pop(0)] = n
    return found


def draft_latency(changes: Sequence[Sent], followers: Sequence[Draft]) -> dict[str, Any]:
    """Status -> visible in the follower's draft, per (change, follower), in ms."""
    streams: dict[str, list[int | None]] = {}
    latencies: list[float] = []
    missing = 0
    with_state = [f for f in followers if f.draft_state is not None]
    for f in with_state:
        key = _key(f)
        if key not in streams:
            streams[key] = visible_at(f, changes)
        for change, n in zip(changes, streams[key], strict=True):
            if not change.ok:
                continue
            if n is None:
                missing += 1
            else:
                latencies.append((f.draft_updates[n][1] - change.at) * 1000)
    return {
        "draft_followers": len(with_state),
        "draft_streams": len(streams),
        "draft_latency_ms": summary(latencies),
        "draft_not_visible": missing,
    }
