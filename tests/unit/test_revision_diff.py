"""The paragraph-level part of the diff (``server.revisions.diff.compare``): what it says
changed comes from the two sides' index records, matched by paragraph id."""

from __future__ import annotations

from typing import Any

import pycrdt

from crdt import schema, updates
from server.revisions import diff


def _doc() -> tuple[pycrdt.Doc[Any], list[str]]:
    doc = updates.new_doc()
    with doc.transaction():
        schema.init_document(doc, title="t")
        ids = [
            schema.add_paragraph(doc, schema.ParagraphSpec(f"OP{i}", "A", text=f"words {i}"))
            for i in range(8)
        ]
    return doc, ids


def test_governed_changes_are_named_after_their_field() -> None:
    doc, ids = _doc()
    schema.update_paragraph(doc, ids[7], status="deleted", previous_status="draft")
    older = doc.get_update()
    schema.update_paragraph(doc, ids[0], label="OP0bis")
    schema.update_paragraph(doc, ids[1], section="B", kind="recommendation")
    schema.update_paragraph(doc, ids[2], sequence="how")
    schema.update_paragraph(doc, ids[3], proposers=("Brazil",), supporters=("Kenya",))
    schema.update_paragraph(doc, ids[4], status="no_agreement")
    schema.update_paragraph(doc, ids[5], status="deleted", previous_status="draft")
    schema.update_paragraph(doc, ids[7], status="draft", previous_status="")
    gone = schema.add_paragraph(doc, schema.ParagraphSpec("OP9", "C", text="short-lived"))
    schema.update_paragraph(doc, gone, status="deleted")
    new = schema.add_paragraph(doc, schema.ParagraphSpec("OP10", "C"), after=None)
    got = {p.id: p for p in diff.compare(older, doc.get_update()).paragraphs}
    assert got[ids[0]].changes == ["label"]
    assert (got[ids[0]].before and got[ids[0]].before.label) == "OP0"
    assert got[ids[1]].changes == ["section", "kind"]
    assert got[ids[2]].changes == ["sequence"]
    assert got[ids[3]].changes == ["proposers", "supporters"]
    assert got[ids[4]].changes == ["status"]
    assert got[ids[5]].changes == ["deleted"]
    assert got[ids[6]].changes == []
    assert got[ids[7]].changes == ["restored"]
    assert gone not in got, "added and deleted in between: nothing to show"
    assert got[new].changes == ["added"] and got[new].position_before is None
    # Adding a paragraph first shifts positions but moves nothing.
    assert [got[i].position_after for i in ids[:3]] == [2, 3, 4]
    assert not any("moved" in p.changes for p in got.values())


def test_a_paragraph_deleted_on_both_sides_is_left_out() -> None:
    doc, ids = _doc()
    schema.update_paragraph(doc, ids[0], status="deleted")
    state = doc.get_update()
    assert ids[0] not in {p.id for p in diff.compare(state, state).paragraphs}
    unchanged = diff.compare(state, state).paragraphs
    assert all(p.changes == [] for p in unchanged)
    assert [p.pieces[0].text for p in unchanged] == [f"words {i}" for i in range(1, 8)]
