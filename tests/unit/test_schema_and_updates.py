"""Rolling-text schema (model v2) and update helpers: moves, upgrade, merge, diff, validation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pycrdt
import pytest

from crdt import schema, updates
from crdt.anchors import char_ids
from crdt.encoding import DecodeError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def rolling_text() -> pycrdt.Doc[Any]:
    doc: pycrdt.Doc[Any] = pycrdt.Doc()
    schema.init_document(doc, title="WGEC rolling text", kind="rolling", session=2)
    schema.add_paragraph(
        doc,
        schema.ParagraphSpec(
            label="OP3",
            section="A",
            kind="recommendation",
            sequence="what",
            proposers=("Brazil",),
            text="Enhanced cooperation [should] be implemented",
            id="p3",
        ),
    )
    return doc


def test_schema_round_trips_through_an_update() -> None:
    doc = rolling_text()
    copy = updates.doc_from_updates([doc.get_update()])
    assert schema.to_plain(copy) == schema.to_plain(doc)
    [para] = schema.to_plain(copy)["paragraphs"]
    assert (para["label"], para["proposers"], para["status"]) == ("OP3", ["Brazil"], "draft")
    assert para["brackets"] == {"count": 1, "unbalanced": False}
    assert schema.document_meta(copy) == {
        "title": "WGEC rolling text",
        "kind": "rolling",
        "session": 2,
        "model": 2,
    }
    assert str(schema.paragraph_text(copy, "p3")).startswith("Enhanced")


def test_paragraph_inserted_before_keeps_ids() -> None:
    doc = rolling_text()
    schema.add_paragraph(doc, schema.ParagraphSpec(label="OP2", section="A", id="p2"), after=None)
    schema.add_paragraph(doc, schema.ParagraphSpec(label="OP4", section="A", id="p4"))
    schema.add_paragraph(doc, schema.ParagraphSpec(label="OP2b", section="A", id="p2b"), after="p2")
    assert [p["id"] for p in schema.to_plain(doc)["paragraphs"]] == ["p2", "p2b", "p3", "p4"]


def test_a_move_rewrites_one_order_key_and_never_the_text() -> None:
    doc = rolling_text()
    for label in ("OP4", "OP5", "OP6"):
        schema.add_paragraph(doc, schema.ParagraphSpec(label=label, section="A", id=label))
    text_before = doc.get_update()
    ids = char_ids(schema.text_root(doc, "p3"))
    state = doc.get_state()
    schema.move_paragraph(doc, "p3", after="OP5")
    assert [p.label for p in schema.paragraph_records(doc)] == ["OP4", "OP5", "OP3", "OP6"]
    assert char_ids(schema.text_root(doc, "p3")) == ids  # the same characters
    assert str(schema.text_root(doc, "p3")) == "Enhanced cooperation [should] be implemented"
    # The move is one index entry: the update holds no text.
    moved = updates.doc_from_updates([text_before, doc.get_update(state)])
    assert schema.to_plain(moved) == schema.to_plain(doc)
    with pytest.raises(schema.SchemaError):
        schema.move_paragraph(doc, "p3", after="p3")
    with pytest.raises(schema.SchemaError):
        schema.move_paragraph(doc, "p3", after="nope")


def test_concurrent_moves_and_offline_edits_converge_without_duplicates() -> None:
    a = rolling_text()
    for label in ("OP4", "OP5"):
        schema.add_paragraph(a, schema.ParagraphSpec(label=label, section="A", id=label))
    b = updates.doc_from_updates([a.get_update()])
    c = updates.doc_from_updates([a.get_update()])
    schema.move_paragraph(a, "p3", after="OP4")
    schema.move_paragraph(b, "p3", after="OP5")
    schema.text_root(c, "p3").insert(0, "Offline: ")
    for doc in (a, b, c):
        for other in (a, b, c):
            doc.apply_update(other.get_update(doc.get_state()))
    plains = [schema.to_plain(d) for d in (a, b, c)]
    assert plains[0] == plains[1] == plains[2]
    assert [p["id"] for p in plains[0]["paragraphs"]].count("p3") == 1
    assert str(schema.text_root(a, "p3")).startswith("Offline: Enhanced")


def test_bracket_counts() -> None:
    assert schema.bracket_count("We [recommend] that [all] act") == (2, False)
    assert schema.bracket_count("We [recommend that") == (0, True)
    assert schema.bracket_count("no brackets") == (0, False)
    assert schema.bracket_count("a] b [c]") == (1, True)


def test_upgrade_of_the_v1_fixture_keeps_every_paragraph_label_and_character() -> None:
    v1 = json.loads((FIXTURES / "v1_rolling_text.json").read_text())
    doc = updates.doc_from_updates([(FIXTURES / "v1_rolling_text.bin").read_bytes()])
    assert schema.is_v1(doc)
    assert schema.upgrade_v1(doc) == len(v1["paragraphs"])
    assert not schema.is_v1(doc)
    plain = schema.to_plain(doc)
    fields = ("id", "label", "section", "kind", "text")
    assert [tuple(p[f] for f in fields) for p in plain["paragraphs"]] == [
        tuple(p[f] for f in fields) for p in v1["paragraphs"]
    ]
    assert plain["meta"]["model"] == 2 and plain["meta"]["session"] is None
    assert schema.upgrade_v1(doc) == 0  # idempotent
    assert schema.to_plain(doc) == plain


@pytest.mark.parametrize(
    "spec",
    [
        schema.ParagraphSpec(label="OP1", section="Z"),
        schema.ParagraphSpec(label="OP1", section="A", kind="poem"),
        schema.ParagraphSpec(label="OP1", section="A", sequence="when"),
        schema.ParagraphSpec(label="", section="A"),
    ],
)
def test_invalid_paragraphs_are_refused(spec: schema.ParagraphSpec) -> None:
    doc = rolling_text()
    before = doc.get_update()
    with pytest.raises(schema.SchemaError):
        schema.add_paragraph(doc, spec)
    assert doc.get_update() == before


def test_bracketed_spans() -> None:
    text = "We [recommend] that [all stakeholders] act"
    assert [text[a:b] for a, b in schema.bracketed_spans(text)] == [
        "[recommend]",
        "[all stakeholders]",
    ]


def test_merge_and_diff_equal_incremental_history() -> None:
    doc: pycrdt.Doc[Any] = pycrdt.Doc()
    text = doc.get("t", type=pycrdt.Text)
    log: list[bytes] = []
    doc.observe(lambda event: log.append(event.update))
    for i in range(50):
        text.insert(len(text) // 2, f"w{i} ")
    merged = updates.merge(log)
    assert str(updates.doc_from_updates([merged]).get("t", type=pycrdt.Text)) == str(text)
    half = updates.doc_from_updates(log[:25])
    missing = updates.diff(merged, half.get_state())
    half.apply_update(missing)
    assert half.get_state() == doc.get_state()


def test_malformed_update_changes_nothing() -> None:
    doc = rolling_text()
    before = doc.get_update()
    with pytest.raises(DecodeError):
        updates.apply(doc, b"\x01\x02garbage")
    with pytest.raises(DecodeError):
        updates.apply(doc, before[: len(before) // 2])
    assert doc.get_update() == before
