"""The governance benchmark's analysis: what it counts as delivered, reverted, lost.

Fed with real Yjs updates (a server replica reverting an edit the way the lock guard
must) and hand-made ``paragraph-changed`` streams, so a wrong verdict in the
benchmark's bookkeeping fails here rather than in a misleading figure.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

import pycrdt

from bench.governanceload import Change, analyse, match_decisions
from bench.lockreplay import Edit, replay
from bench.peers import MARKER
from bench.statusreplay import draft_latency
from crdt import protocol, schema
from crdt.updates import decode_state_vector, new_doc

LOCKED = "Recognizes the role of capacity building"
PID = "p1"


@dataclass
class Stream:
    """A light y-websocket follower's record: state at join, raw update frames."""

    state: bytes
    frames: list[bytes] = field(default_factory=list)
    marks: list[tuple[bytes, float]] = field(default_factory=list)

    def receive(self, update: bytes, at: float) -> None:
        frame = protocol.sync_update(update)
        self.frames.append(frame)
        self.marks += [(m, at) for m in MARKER.findall(frame)]

    def update_payloads(self) -> list[bytes]:
        return [protocol.decode(f).payload for f in self.frames]


def _replicas() -> tuple[pycrdt.Doc[Any], pycrdt.Doc[Any]]:
    server = new_doc()
    schema.text_root(server, PID).insert(0, LOCKED)
    editor = new_doc()
    editor.apply_update(server.get_update())
    return server, editor


def _edit(editor: pycrdt.Doc[Any], k: int, at: float) -> tuple[bytes, Edit]:
    marker = f"<e00s{k:06d}>"
    before = editor.get_state()
    schema.text_root(editor, PID).insert(10, marker + " ")
    update = editor.get_update(before)
    clock = decode_state_vector(editor.get_state())[editor.client_id]
    return update, Edit(k, marker.encode(), at, clock)


def _revert(server: pycrdt.Doc[Any], update: bytes) -> bytes:
    """What the guard does: apply the edit, then delete it with the server's own update."""
    server.apply_update(update)
    before = server.get_state()
    text = schema.text_root(server, PID)
    current = str(text)
    start = current.index("<e00s")
    end = current.index("> ", start) + 2
    del text[start:end]
    return server.get_update(before)


def test_lock_replay_times_the_frame_holding_edit_and_revert() -> None:
    server, editor = _replicas()
    state = server.get_update()
    other = new_doc()
    other.apply_update(state)
    before = other.get_state()
    schema.text_root(other, "p2").insert(0, "unrelated paragraph")
    unrelated = other.get_update(before)
    server.apply_update(unrelated)

    edit_update, edit = _edit(editor, 1, at=100.0)
    revert = _revert(server, edit_update)
    separate, merged, never = Stream(state), Stream(state), Stream(state)
    separate.receive(unrelated, 100.001)
    separate.receive(edit_update, 100.004)
    separate.receive(revert, 100.006)
    merged.receive(pycrdt.merge_updates(edit_update, revert), 100.009)
    never.receive(edit_update, 100.004)  # the revert never came

    result = replay(
        [edit],
        [separate, merged, never],
        frame_times=[[100.001, 100.004, 100.006], [100.009], [100.004]],
        editor_client=editor.client_id,
        paragraph=PID,
        locked=LOCKED,
    )

    assert result["reverted"] == 2 and result["unreverted"] == 1
    assert round(result["latency_ms"]["min"], 3) == 6.0  # not the unrelated frame, not 4 ms
    assert round(result["latency_ms"]["max"], 3) == 9.0
    assert result["followers_locked_at_end"] == 2
    assert result["edits_seen"] == 3


def test_lock_replay_waits_for_every_overlapping_edit_to_be_reverted() -> None:
    server, editor = _replicas()
    state = server.get_update()
    first_update, first = _edit(editor, 1, at=10.0)
    second_update, second = _edit(editor, 2, at=10.002)
    follower = Stream(state)
    follower.receive(first_update, 10.003)
    follower.receive(second_update, 10.004)
    server.apply_update(second_update)
    follower.receive(_revert(server, first_update), 10.005)  # one marker still there
    follower.receive(_revert(server, b"\x00\x00"), 10.007)

    result = replay(
        [first, second],
        [follower],
        frame_times=[[10.003, 10.004, 10.005, 10.007]],
        editor_client=editor.client_id,
        paragraph=PID,
        locked=LOCKED,
    )

    assert result["reverted"] == 2
    assert round(result["fanout_first_ms"]["max"], 3) == 7.0  # edit 1: 10.007 - 10.0
    assert round(result["fanout_first_ms"]["min"], 3) == 5.0  # edit 2: 10.007 - 10.002


@dataclass
class Follower:
    """What ``analyse`` reads of a session follower."""

    events: list[tuple[dict[str, Any], float]]
    ready: asyncio.Future[float]
    errors: list[str] = field(default_factory=list)
    other_events: dict[str, int] = field(default_factory=dict)

    def paragraph_changes(self) -> list[tuple[dict[str, Any], float]]:
        return [(json.loads(json.dumps(e)), t) for e, t in self.events]


def _event(decision: int, paragraph: str, status: str) -> dict[str, Any]:
    return {
        "document": "d",
        "paragraph": {"id": paragraph, "status": status},
        "decision": {"id": decision, "action": "status", "after": status},
    }


def test_status_analysis_counts_losses_duplicates_and_order() -> None:
    async def go() -> dict[str, Any]:
        ready = asyncio.get_running_loop().create_future()
        ready.set_result(0.0)
        changes = [
            Change(0, "a", "agreed", at=1.0, http_status=200),
            Change(1, "b", "agreed", at=1.5, http_status=200),
            Change(2, "a", "to_be_revisited", at=2.0, http_status=200),
        ]
        decisions = [
            {"id": 7, "action": "create", "paragraph": "a"},
            {"id": 9, "action": "status", "paragraph": "a", "after": "agreed"},
            {"id": 10, "action": "status", "paragraph": "b", "after": "agreed"},
            {"id": 11, "action": "status", "paragraph": "a", "after": "to_be_revisited"},
        ]
        order = match_decisions(changes, decisions)
        assert [c.decision for c in changes] == [9, 10, 11]
        complete = Follower(
            [
                (_event(9, "a", "agreed"), 1.010),
                (_event(10, "b", "agreed"), 1.520),
                (_event(11, "a", "to_be_revisited"), 2.030),
            ],
            ready,
        )
        faulty = Follower(
            [
                (_event(10, "b", "agreed"), 1.540),
                (_event(9, "a", "agreed"), 1.550),  # out of order
                (_event(9, "a", "agreed"), 1.560),  # duplicate; 11 lost
            ],
            ready,
        )
        return analyse(changes, order, [complete, faulty], "d")  # type: ignore[list-item]

    r = asyncio.run(go())
    assert (r["expected_deliveries"], r["delivered"], r["lost"]) == (6, 5, 1)
    assert (r["duplicates"], r["out_of_order"], r["followers_in_order"]) == (1, 1, 1)
    assert r["altered"] == 0 and r["unknown_events"] == 0
    assert round(r["latency_ms"]["min"], 3) == 10.0
    assert round(r["latency_ms"]["max"], 3) == 550.0


@dataclass
class DraftFollower:
    draft_state: bytes | None
    draft_updates: list[tuple[bytes, float]] = field(default_factory=list)


def test_draft_replay_times_the_update_that_shows_each_status() -> None:
    server = new_doc()
    a = schema.add_paragraph(server, schema.ParagraphSpec(label="OP1", section="A", text="x"))
    b = schema.add_paragraph(server, schema.ParagraphSpec(label="OP2", section="A", text="y"))
    follower = DraftFollower(server.get_update())

    def status(pid: str, value: str, at: float) -> None:
        before = server.get_state()
        schema.update_paragraph(server, pid, status=value)
        follower.draft_updates.append((server.get_update(before), at))

    changes = [
        Change(0, a, "agreed", at=1.0, http_status=200),
        Change(1, b, "agreed", at=2.0, http_status=200),
        Change(2, a, "to_be_revisited", at=3.0, http_status=200),
        Change(3, b, "to_be_revisited", at=4.0, http_status=409),  # refused: never shown
    ]
    before = server.get_state()
    schema.text_root(server, a).insert(0, "unrelated ")
    follower.draft_updates.append((server.get_update(before), 1.001))
    status(a, "agreed", 1.004)
    status(b, "agreed", 2.020)
    status(a, "to_be_revisited", 3.003)

    r = draft_latency(changes, [follower, DraftFollower(None)])

    assert (r["draft_followers"], r["draft_not_visible"]) == (1, 0)
    assert round(r["draft_latency_ms"]["min"], 3) == 3.0
    assert round(r["draft_latency_ms"]["max"], 3) == 20.0
    assert r["draft_latency_ms"]["n"] == 3
