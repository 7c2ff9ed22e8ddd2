"""When an accepted amendment's words became visible in a session follower's draft,
and whether every follower ends with each accepted replacement exactly once.

Each distinct byte stream (state at join + ``sync-update`` attachments, as
``bench/statusreplay.py`` keeps them) is replayed once into a pycrdt ``Doc``;
accept k is visible after the first update at which its paragraph's text holds
its replacement words. At the end the text must hold each accepted replacement
exactly once and none of their marker words (never applied twice, never lost).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import pycrdt

from bench.stats import summary
from bench.statusreplay import Draft, _key
from crdt import schema


class Accepted(Protocol):
    paragraph: str
    marker: str
    replacement: str
    at: float

    @property
    def ok(self) -> bool: ...


@dataclass
class Replayed:
    """One stream's verdict: per accept the update index showing it, and what is wrong
    with the final text (empty when every accepted replacement is there exactly once)."""

    visible: list[int | None]
    wrong: list[str]


def replay(f: Draft, accepts: Sequence[Accepted]) -> Replayed:
    doc: pycrdt.Doc[Any] = pycrdt.Doc()
    if f.draft_state is not None:
        doc.apply_update(f.draft_state)
    pending = {i for i, a in enumerate(accepts) if a.ok}
    found: list[int | None] = [None] * len(accepts)
    for n, (payload, _) in enumerate(f.draft_updates):
        doc.apply_update(payload)
        texts: dict[str, str] = {}
        for i in sorted(pending):
            a = accepts[i]
            if a.paragraph not in texts:
                texts[a.paragraph] = str(schema.text_root(doc, a.paragraph))
            if a.replacement in texts[a.paragraph]:
                found[i] = n
                pending.discard(i)
    wrong = []
    for a in accepts:
        if not a.ok:
            continue
        text = str(schema.text_root(doc, a.paragraph))
        times, left = text.count(a.replacement), text.count(a.marker)
        if times != 1 or left:
            wrong.append(f"{a.replacement} x{times}, {a.marker} x{left}")
    return Replayed(found, wrong)


def draft_check(accepts: Sequence[Accepted], followers: Sequence[Draft]) -> dict[str, Any]:
    """Accept -> visible in the follower's draft, per (accept, follower), in ms; and how
    many followers end with every accepted replacement exactly once."""
    streams: dict[str, Replayed] = {}
    latencies: list[float] = []
    missing = correct = 0
    wrong: list[str] = []
    with_state = [f for f in followers if f.draft_state is not None]
    for f in with_state:
        key = _key(f)
        if key not in streams:
            streams[key] = replay(f, accepts)
        got = streams[key]
        for accept, n in zip(accepts, got.visible, strict=True):
            if not accept.ok:
                continue
            if n is None:
                missing += 1
            else:
                latencies.append((f.draft_updates[n][1] - accept.at) * 1000)
        if got.wrong:
            wrong += got.wrong
        else:
            correct += 1
    return {
        "draft_followers": len(with_state),
        "draft_streams": len(streams),
        "draft_latency_ms": summary(latencies),
        "draft_not_visible": missing,
        "followers_correct": correct,
        "wrong_samples": wrong[:5],
    }
