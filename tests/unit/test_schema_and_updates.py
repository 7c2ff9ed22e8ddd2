"""Rolling-text schema and update helpers: merge, diff, validation."""

from __future__ import annotations

import pycrdt
import pytest

from crdt import schema, updates
from crdt.encoding import DecodeError


def rolling_text() -> pycrdt.Doc:
    doc = pycrdt.Doc()
    schema.init_document(doc, title="WGEC rolling text", kind="rolling", session="meeting-2")
    schema.add_paragraph(
        doc,
        schema.ParagraphSpec(
            label="OP3",
            section="A",
            kind="recommendation",
            sequence="what",
            proposer="Brazil",
            text="Enhanced cooperation [should] be implemented",
            id="p3",
        ),
    )
    return doc


def test_schema_round_trips_through_an_update() -> None:
    doc = rolling_text()
    copy = updates.doc_from_updates([doc.get_update()])
    assert schema.to_plain(copy) == schema.to_plain(doc)
    assert schema.to_plain(copy)["paragraphs"][0]["label"] == "OP3"
    assert str(schema.paragraph_text(copy, "p3")).startswith("Enhanced")


def test_paragraph_inserted_before_keeps_ids() -> None:
    doc = rolling_text()
    schema.add_paragraph(doc, schema.ParagraphSpec(label="OP2", section="A", id="p2"), index=0)
    assert [p["id"] for p in schema.to_plain(doc)["paragraphs"]] == ["p2", "p3"]
    assert schema.find_paragraph(doc, "p3")[0] == 1


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
    doc = pycrdt.Doc()
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
