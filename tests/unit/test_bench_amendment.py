"""The amendment benchmark's analysis: what it counts as delivered, visible, applied once.

The drafts are fed with real Yjs updates made by the server's own accept logic
(``server/amendments/edits.py``: one edit with a client id of its own), through a real
``SessionFollower``'s frame handler, so a wrong verdict in the benchmark's bookkeeping
(a lost update, a proposal applied twice by two racing replicas) fails here rather
than in a misleading figure.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pycrdt

from bench import wsclient
from bench.amendmentload import Accept, analyse_events
from bench.amendmentreplay import draft_check
from bench.sessionpeers import SessionFollower
from crdt import schema
from crdt.updates import new_doc
from server.amendments import edits

SID = 7
NS = f"/session|{SID}".encode()
PID = "p1"
TEXT = "Recalls, in particular mark0000 mark0001 mark0002"


def _accepts() -> list[Accept]:
    return [
        Accept(k, 100 + k, PID, f"mark{k:04d}", f"AMENDED{k:04d}", at=10.0 + k, http_status=200)
        for k in range(3)
    ]


def _server() -> pycrdt.Doc[Any]:
    doc = new_doc()
    schema.text_root(doc, PID).insert(0, TEXT)
    return doc


def _accept(doc: pycrdt.Doc[Any], a: Accept) -> bytes:
    """What the server does on accept: replace the anchored words as a client of its own."""
    value = str(schema.text_root(doc, PID))
    start = value.index(a.marker)
    target = edits.Target(PID, start, start + len(a.marker), a.marker)
    return edits.accept(doc, target, "replace", a.replacement, edits.fresh_client(doc))


def _follower(state: bytes | None) -> SessionFollower:
    f = SessionFollower(SID, "127.0.0.1", 1, draft=True)
    f.ready.set_result(0.0)
    f.draft_state = state
    return f


def _update(f: SessionFollower, payload: bytes, at: float) -> None:
    header = b"451-" + NS + b',["sync-update",{"_placeholder":true,"num":0}]'
    f._on_frame(wsclient.OP_TEXT, header, at)
    f._on_frame(wsclient.OP_BINARY, payload, at)


def _event(f: SessionFollower, amendment: dict[str, Any], at: float) -> None:
    frame = b"42" + NS + b"," + json.dumps(["amendment-updated", amendment]).encode()
    f._on_frame(wsclient.OP_TEXT, frame, at)


def _decided(f: SessionFollower, action: str, after: Any, at: float) -> None:
    event = {
        "document": "d",
        "paragraph": {"id": PID},
        "decision": {"action": action, "after": after},
    }
    frame = b"42" + NS + b"," + json.dumps(["paragraph-changed", event]).encode()
    f._on_frame(wsclient.OP_TEXT, frame, at)


def _amendment(a: Accept, state: str = "accepted", session: int = SID) -> dict[str, Any]:
    return {
        "id": a.amendment,
        "paragraph": a.paragraph,
        "text": a.replacement,
        "state": state,
        "decision": {"by": "Chair", "session": session},
    }


def test_draft_check_times_the_update_with_the_new_words_and_checks_the_end() -> None:
    async def go() -> dict[str, Any]:
        accepts = _accepts()
        accepts[2].http_status = 409  # refused: never applied, never expected
        server = _server()
        state = server.get_update()
        before = server.get_state()
        schema.text_root(server, PID).insert(0, "Also ")  # an unrelated edit first
        unrelated = server.get_update(before)
        first, second = _accept(server, accepts[0]), _accept(server, accepts[1])
        complete, lossy = _follower(state), _follower(state)
        for f in (complete, lossy):
            _update(f, unrelated, 10.001)
            _update(f, first, 10.004)
        _update(complete, second, 11.020)  # the lossy one never gets the second accept
        return draft_check(accepts, [complete, lossy, _follower(None)])

    r = asyncio.run(go())
    assert (r["draft_followers"], r["draft_streams"]) == (2, 2)
    assert r["draft_not_visible"] == 1  # (accept 1, lossy follower)
    assert r["draft_latency_ms"]["n"] == 3
    assert round(r["draft_latency_ms"]["min"], 3) == 4.0  # the accept's frame, not 1 ms
    assert round(r["draft_latency_ms"]["max"], 3) == 20.0
    assert r["followers_correct"] == 1
    assert r["wrong_samples"] == ["AMENDED0001 x0, mark0001 x1"]


def test_draft_check_fails_a_proposal_applied_twice_by_racing_replicas() -> None:
    async def go() -> dict[str, Any]:
        accepts = _accepts()[:1]
        server = _server()
        state = server.get_update()
        racing = new_doc()
        racing.apply_update(state)
        once, again = _accept(server, accepts[0]), _accept(racing, accepts[0])
        f = _follower(state)
        _update(f, once, 10.002)
        _update(f, again, 10.003)  # both delete the marker, each inserts the words
        return draft_check(accepts, [f])

    r = asyncio.run(go())
    assert r["draft_not_visible"] == 0
    assert r["followers_correct"] == 0
    assert r["wrong_samples"] == ["AMENDED0000 x2, mark0000 x0"]


def test_event_analysis_counts_losses_duplicates_unknown_and_altered() -> None:
    async def go() -> dict[str, Any]:
        accepts = _accepts()
        complete, faulty = _follower(None), _follower(None)
        for a in accepts:
            _event(complete, _amendment(a), a.at + 0.010)
        _event(faulty, _amendment(accepts[0], state="open"), 10.001)  # e.g. a stance
        _event(faulty, _amendment(accepts[0]), 10.050)
        _event(faulty, _amendment(accepts[0]), 10.060)  # duplicate
        _event(faulty, _amendment(accepts[1], session=99), 11.030)  # wrong session
        _event(faulty, {**_amendment(accepts[2]), "id": 5}, 12.040)  # unknown; 2 lost
        _decided(complete, "status", "agreed", 10.002)  # not an amendment's decision
        _decided(complete, "amendment", {"amendment": 101, "decision": "accept"}, 11.008)
        _decided(complete, "amendment", {"amendment": 101, "decision": "accept"}, 11.009)
        return analyse_events(accepts, [complete, faulty], SID)

    r = asyncio.run(go())
    assert (r["expected_deliveries"], r["delivered"], r["lost"]) == (6, 5, 1)
    assert (r["duplicates"], r["unknown_events"], r["altered"]) == (1, 1, 1)
    assert r["other_amendment_updates"] == 1
    assert round(r["latency_ms"]["min"], 3) == 10.0
    assert round(r["latency_ms"]["max"], 3) == 50.0
    assert round(r["fanout_last_ms"]["max"], 3) == 50.0
    assert r["paragraph_changed_ms"]["n"] == 1  # the second one for 101 is a repeat
    assert round(r["paragraph_changed_ms"]["max"], 3) == 8.0
