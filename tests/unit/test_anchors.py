"""Comment anchors over pycrdt: stable under concurrent edits, detached when their words go.

The randomized test edits several replicas concurrently and exchanges their
updates in random order. The anchored words are the only upper-case letters (and
"-") of the text (every edit inserts lower-case letters, digits, spaces or accented
characters), so the expected answer is known on every replica: the span from the
first to the last surviving anchored letter, or detached when none survives.
"""

from __future__ import annotations

import random
from typing import Any

import pycrdt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crdt import anchors, schema, updates
from crdt.anchors import Anchor, AnchorError

BEFORE = "the working group recommends that stakeholders "
WORDS = "SHOULD-COOPERATE"  # only these characters are upper case or "-"
AFTER = " on international public policy issues."


def _doc(text: str = BEFORE + WORDS + AFTER) -> tuple[pycrdt.Doc[Any], str]:
    doc = updates.new_doc()
    schema.init_document(doc, title="Rolling text")
    schema.add_paragraph(doc, schema.ParagraphSpec("OP1", "A", text="Preamble."))
    pid = schema.add_paragraph(doc, schema.ParagraphSpec("OP2", "A", text=text))
    return doc, pid


def _bytes(text: str, index: int) -> int:
    return len(text[:index].encode())


def _insert(doc: pycrdt.Doc[Any], pid: str, index: int, value: str) -> None:
    text = schema.paragraph_text(doc, pid)
    text.insert(_bytes(str(text), index), value)


def _delete(doc: pycrdt.Doc[Any], pid: str, start: int, end: int) -> None:
    text = schema.paragraph_text(doc, pid)
    s = str(text)
    del text[_bytes(s, start) : _bytes(s, end)]


def _expected(doc: pycrdt.Doc[Any], pid: str) -> tuple[int, int] | None:
    value = str(schema.paragraph_text(doc, pid))
    upper = [i for i, ch in enumerate(value) if ch.isupper() or ch == "-"]
    return (upper[0], upper[-1] + 1) if upper else None


def test_anchor_quote_and_context() -> None:
    doc, pid = _doc()
    start = len(BEFORE)
    anchor = anchors.create(doc, pid, start, start + len(WORDS))
    assert (anchor.kind, anchor.exact) == ("range", WORDS)
    assert anchor.prefix == BEFORE[-anchors.CONTEXT :]
    assert anchor.suffix == AFTER[: anchors.CONTEXT]
    resolved = anchors.resolve(doc, anchor)
    assert (resolved.attached, resolved.start, resolved.text) == (True, start, WORDS)


def test_inserts_at_the_edges_stay_outside_and_inside_stay_inside() -> None:
    doc, pid = _doc()
    start = len(BEFORE)
    anchor = anchors.create(doc, pid, start, start + len(WORDS))
    _insert(doc, pid, start + len(WORDS), " really")  # just after the range
    _insert(doc, pid, start, "all ")  # just before the range
    _insert(doc, pid, start + 4 + len("SHOULD"), " urgently")  # inside
    resolved = anchors.resolve(doc, anchor)
    assert resolved.text == "SHOULD urgently-COOPERATE"
    assert resolved.start == start + 4


def test_non_ascii_text_keeps_its_anchor() -> None:
    # pycrdt counts bytes; Yjs ids count UTF-16 units: both differ from Python indexes here.
    text = "Les États membres\u2019 😀 devraient COOPÉRER davantage."
    doc, pid = _doc(text)
    start = text.index("COOPÉRER")
    anchor = anchors.create(doc, pid, start, start + len("COOPÉRER"))
    _insert(doc, pid, 0, "« ")
    _insert(doc, pid, start + 2 + 4, "é😀")  # inside, splits the item
    _insert(doc, pid, start + 2, "ç")
    resolved = anchors.resolve(doc, anchor)
    assert resolved.text == "COOPé😀ÉRER"
    # The stored sticky indexes name the first and last character by their Yjs id.
    first = anchor.chars[0]
    assert anchor.start == anchors._sticky(first[0], first[1], pycrdt.Assoc.AFTER)


def test_deleted_words_detach_and_are_never_retargeted() -> None:
    doc, pid = _doc()
    start = len(BEFORE)
    anchor = anchors.create(doc, pid, start, start + len(WORDS))
    _delete(doc, pid, start, start + 7)  # "SHOULD-" gone: what is left still anchors
    assert anchors.resolve(doc, anchor).text == "COOPERATE"
    _delete(doc, pid, start, start + len("COOPERATE"))
    # The same words typed again elsewhere are a hint, not the anchor.
    _insert(doc, pid, 0, WORDS + " ")
    resolved = anchors.resolve(doc, anchor)
    assert not resolved.attached and resolved.reason == "its text was deleted"
    assert resolved.found == {"paragraph_id": pid, "start": 0, "end": len(WORDS)}
    assert resolved.to_dict()["detached"] is True


def test_a_paragraph_moved_deleted_and_restored_keeps_its_anchors() -> None:
    """Model v2: a move rewrites an order key and deletion is a status; the text (and
    every character's id) stays, so anchors stay on their words."""
    doc, pid = _doc()
    anchor = anchors.create(doc, pid, 4, 11)
    words = anchors.resolve(doc, anchor).text
    schema.add_paragraph(doc, schema.ParagraphSpec("OP0", "A", text="First.", id="first"))
    schema.move_paragraph(doc, pid, after="first")
    schema.update_paragraph(doc, pid, status=schema.Status.DELETED.value, previous_status="draft")
    assert anchors.resolve(doc, anchor).attached and anchors.resolve(doc, anchor).text == words
    schema.update_paragraph(doc, pid, status=schema.Status.DRAFT.value, previous_status="")
    schema.move_paragraph(doc, pid, after=None)
    assert anchors.resolve(doc, anchor).text == words
    # A paragraph the index does not list (never in v2; a raw write the guard reverts).
    del schema.index(doc)[pid]
    assert not anchors.resolve(doc, anchor).attached
    assert anchors.resolve(doc, anchors.create(doc)).attached


@pytest.mark.parametrize(
    ("paragraph", "start", "end", "field"),
    [
        ("nope", None, None, "anchor.paragraph_id"),
        ("nope", 0, 3, "anchor.paragraph_id"),
        (None, 0, 3, "anchor.paragraph_id"),
        ("OP2", 0, None, "anchor"),
        ("OP2", 5, 5, "anchor"),
        ("OP2", 6, 2, "anchor"),
        ("OP2", 0, 10_000, "anchor"),
        ("OP2", -1, 3, "anchor"),
    ],
)
def test_bad_anchors_are_refused(
    paragraph: str | None, start: int | None, end: int | None, field: str
) -> None:
    doc, pid = _doc()
    with pytest.raises(AnchorError) as refused:
        anchors.create(doc, pid if paragraph == "OP2" else paragraph, start, end)
    assert refused.value.field == field


def test_runs_round_trip() -> None:
    doc, pid = _doc()
    _insert(doc, pid, len(BEFORE) + 3, "x")
    _delete(doc, pid, len(BEFORE) + 3, len(BEFORE) + 4)
    anchor = anchors.create(doc, pid, len(BEFORE), len(BEFORE) + len(WORDS))
    again = Anchor.runs_from_json(anchor.chars_json())
    assert again == anchor.chars and sum(n for _, _, n in again) == len(WORDS)


# -- randomized concurrent edits ------------------------------------------------------

ALPHABET = "abcdefghij 0123456789éç😀\u2019"
Op = tuple[int, str, float, float, str]  # (replica, kind, position, length, text)

ops = st.tuples(
    st.integers(0, 2),
    st.sampled_from(["insert", "insert", "delete", "sync"]),
    st.floats(0, 1),
    st.floats(0, 0.3),
    st.text(alphabet=ALPHABET, min_size=1, max_size=4),
)


def _check(doc: pycrdt.Doc[Any], pid: str, anchor: Anchor) -> tuple[Any, ...]:
    resolved = anchors.resolve(doc, anchor)
    expected = _expected(doc, pid)
    if expected is None:
        assert not resolved.attached
        return (None,)
    value = str(schema.paragraph_text(doc, pid))
    assert resolved.attached, (value, anchor)
    assert (resolved.start, resolved.end) == expected, value
    assert resolved.text == value[expected[0] : expected[1]]
    return (resolved.start, resolved.end, resolved.text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ops, min_size=1, max_size=40), st.randoms(use_true_random=False))
def test_anchor_is_the_same_words_on_every_replica(script: list[Op], rng: random.Random) -> None:
    origin, pid = _doc()
    start = len(BEFORE)
    anchor = anchors.create(origin, pid, start, start + len(WORDS))
    # Stored and read back, as the server does.
    anchor = Anchor(
        anchor.kind, anchor.paragraph_id, anchor.start, anchor.end,
        Anchor.runs_from_json(anchor.chars_json()), anchor.exact, anchor.prefix, anchor.suffix,
    )  # fmt: skip
    replicas = [origin] + [updates.doc_from_updates([origin.get_update()]) for _ in range(2)]
    outboxes: list[list[bytes]] = [[] for _ in replicas]
    subscriptions = [
        doc.observe(lambda event, i=i: outboxes[i].append(event.update))
        for i, doc in enumerate(replicas)
    ]

    def deliver(source: int, target: int) -> None:
        # Everything ``source`` did so far, again and out of order: Yjs updates are
        # idempotent, and what cannot be integrated yet is held back until it can.
        for update in rng.sample(outboxes[source], len(outboxes[source])):
            replicas[target].apply_update(update)

    for replica, kind, position, length, text in script:
        doc = replicas[replica]
        value = str(schema.paragraph_text(doc, pid))
        at = int(position * len(value))
        if kind == "insert":
            _insert(doc, pid, at, text)
        elif kind == "delete" and value:
            _delete(doc, pid, at, min(len(value), at + 1 + int(length * len(value))))
        else:
            deliver(replica, rng.randrange(len(replicas)))
        _check(doc, pid, anchor)
    for doc, subscription in zip(replicas, subscriptions, strict=True):
        doc.unobserve(subscription)
    full = [doc.get_update() for doc in replicas]
    for doc in replicas:
        for update in rng.sample(full, len(full)):
            doc.apply_update(update)
    answers = {_check(doc, pid, anchor) for doc in replicas}
    assert len(answers) == 1, answers
    assert len({str(schema.paragraph_text(doc, pid)) for doc in replicas}) == 1
