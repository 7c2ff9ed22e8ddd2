"""Replay of light followers' frames for the locked-paragraph benchmark (``--mode lock``).

A follower's copy has *seen an edit reverted* after the first frame at which it holds
the edit (its state vector has the editor's client at or past the edit's clock) and
the paragraph reads the locked text again. Followers that received identical bytes
hold identical replicas at every frame, so each distinct stream is replayed once and
its frame indices are read against each follower's own receive times.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Protocol

import pycrdt

from bench.stats import summary
from crdt import schema
from crdt.updates import decode_state_vector


@dataclass(frozen=True)
class Edit:
    k: int
    marker: bytes
    at: float  # time.monotonic() when the editor wrote it
    clock: int  # the editor's clock after the edit: held iff state vector >= clock


class Stream(Protocol):
    """What a light follower kept: the state at join and the update frames."""

    state: bytes | None
    frames: list[bytes]
    marks: list[tuple[bytes, float]]

    def update_payloads(self) -> list[bytes]: ...


def _key(f: Stream) -> str:
    h = hashlib.blake2b(digest_size=16)
    h.update(f.state or b"")
    for frame in f.frames:
        h.update(len(frame).to_bytes(4, "big"))
        h.update(frame)
    return h.hexdigest()


def reverted_at(
    f: Stream, edits: list[Edit], editor_client: int, paragraph: str, locked: str
) -> tuple[list[int | None], bool, str]:
    """Per edit, the index of the frame after which it was held and reverted (None:
    never); whether the copy ends with the locked text; the final text."""
    doc: pycrdt.Doc[Any] = pycrdt.Doc()
    if f.state is not None:
        doc.apply_update(f.state)
    text = schema.text_root(doc, paragraph)
    found: list[int | None] = [None] * len(edits)
    pending = sorted(range(len(edits)), key=lambda i: edits[i].clock)
    nxt = 0
    for i, payload in enumerate(f.update_payloads()):
        doc.apply_update(payload)
        if nxt >= len(pending):
            continue
        held = decode_state_vector(doc.get_state()).get(editor_client, 0)
        if held < edits[pending[nxt]].clock or str(text) != locked:
            continue
        while nxt < len(pending) and edits[pending[nxt]].clock <= held:
            found[pending[nxt]] = i
            nxt += 1
    final = str(text)
    return found, final == locked, final


def replay(
    edits: list[Edit],
    followers: list[Any],
    *,
    frame_times: list[list[float]],
    editor_client: int,
    paragraph: str,
    locked: str,
) -> dict[str, Any]:
    """Edit -> reverted-on-follower latency, and whether every follower ends locked."""
    streams: dict[str, tuple[list[int | None], bool, str]] = {}
    latencies: list[float] = []
    seen_ms: list[float] = []
    first: dict[int, float] = {}
    last: dict[int, float] = {}
    unreverted = ended_locked = 0
    wrong_texts: list[str] = []
    by_marker = {e.marker: e for e in edits}
    for f, times in zip(followers, frame_times, strict=True):
        key = _key(f)
        if key not in streams:
            streams[key] = reverted_at(f, edits, editor_client, paragraph, locked)
        found, is_locked, final = streams[key]
        ended_locked += is_locked
        if not is_locked and len(wrong_texts) < 3:
            wrong_texts.append(final[:200])
        for edit, index in zip(edits, found, strict=True):
            if index is None:
                unreverted += 1
                continue
            lat = (times[index] - edit.at) * 1000
            latencies.append(lat)
            first[edit.k] = min(lat, first.get(edit.k, 1e12))
            last[edit.k] = max(lat, last.get(edit.k, -1.0))
        marks: set[bytes] = set()
        for marker, t in f.marks:
            edit_seen = by_marker.get(marker)
            if edit_seen is not None and marker not in marks:
                marks.add(marker)
                seen_ms.append((t - edit_seen.at) * 1000)
    expected = len(edits) * len(followers)
    return {
        "followers": len(followers),
        "expected": expected,
        "reverted": len(latencies),
        "unreverted": unreverted,
        "latency_ms": summary(latencies),
        "fanout_first_ms": summary(list(first.values())),
        "fanout_last_ms": summary(list(last.values())),
        "edit_seen_ms": summary(seen_ms),
        "edits_seen": len(seen_ms),
        "followers_locked_at_end": ended_locked,
        "follower_streams": len(streams),
        # Update frames a follower received per edit: 1 = edit and revert in one broadcast.
        "frames_per_edit": (
            sum(len(f.frames) for f in followers) / len(followers) / len(edits)
            if followers and edits
            else 0.0
        ),
        "wrong_final_texts": wrong_texts,
    }
