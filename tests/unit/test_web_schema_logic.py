"""The web app reads the rolling text as ``crdt/schema.py`` writes it (model v2).

A document written by the Python schema (paragraphs with equal order keys, as two
concurrent placements make them, a deleted and a locked paragraph, options,
opinions) goes through the web app's own ``src/doc/schema.ts`` (bundled and run by
``client/web/tools/schema-check.mjs``): the order (order key, then id), every
governed field, lock and deletion, the texts, the bracket counts and the targets of
"move up / down" must be what the Python side says.
"""

from __future__ import annotations

import base64
import json
import subprocess
from dataclasses import replace
from typing import Any

from pycrdt import Doc

from crdt import schema
from crdt.schema import Opinion, Option, ParagraphSpec
from tests.support.node import WEB_DIR, ensure_node

TEXTS = [
    "",
    "no brackets",
    "[one] and [two]",
    "[unclosed",
    "closed] only",
    "[nested [inner] outer]",
    "émoji 🎉 [inside 🎉] ok",
    "] [",
]


def _document() -> Doc[Any]:
    doc: Doc[Any] = Doc()
    schema.init_document(doc, title="Rolling text", session=7)
    specs = [
        ParagraphSpec("PP1", "intro", text="The Group [met].", id="pp1"),
        ParagraphSpec("OP1", "A", "recommendation", "Agreed words.", "what", ("Brazil",), id="op1"),
        ParagraphSpec("OP2", "A", text="Deleted [words].", id="op2"),
        ParagraphSpec("OP3", "A", text="Third.", id="op3"),
        ParagraphSpec("OP4", "A", text="Fourth.", id="op4"),
        ParagraphSpec("C1", "conclusion", text="Ends.", id="c1"),
    ]
    for spec in specs:
        schema.add_paragraph(doc, spec)
    schema.update_paragraph(doc, "op1", status="agreed", supporters=("Kenya",))
    schema.update_paragraph(doc, "op2", status="deleted", previous_status="draft")
    option = Option(id="o1", label="Alt 1", text="Other words.", proposers=("Kenya", "Chile"))
    schema.update_paragraph(doc, "op3", options=(option,))
    # Two paragraphs placed in one gap concurrently get equal keys: the id breaks the tie.
    op3 = schema.get_paragraph(doc, "op3")
    schema.put_paragraph(doc, replace(schema.get_paragraph(doc, "op4"), order=op3.order))
    schema.put_opinion(doc, Opinion("v1", "Divergent.", ("Chile",), paragraph="op3"))
    schema.put_opinion(doc, Opinion("v2", "On A.", ("Kenya",), section="A"))
    return doc


def _run(doc: Doc[Any], moves: list[tuple[str, int]]) -> dict[str, Any]:
    node = ensure_node(WEB_DIR)
    payload = {
        "update": base64.b64encode(doc.get_update()).decode(),
        "texts": TEXTS,
        "moves": moves,
    }
    done = subprocess.run(
        [node, "tools/schema-check.mjs"],
        cwd=WEB_DIR,
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_the_web_app_reads_what_the_python_schema_writes() -> None:
    doc = _document()
    seen = _run(doc, [])
    plain = schema.to_plain(doc)
    assert [p["id"] for p in seen["records"]] == [p["id"] for p in plain["paragraphs"]]
    for mine, theirs in zip(seen["records"], plain["paragraphs"], strict=True):
        for key in (*schema.Paragraph.__dataclass_fields__, "locked", "text"):
            assert mine[key] == theirs[key], (key, mine, theirs)
        assert mine["deleted"] == (theirs["status"] == "deleted")
    assert seen["opinions"] == plain["opinions"]
    assert seen["meta"] == {"title": "Rolling text", "session": 7}


def test_bracket_counts_agree() -> None:
    seen = _run(_document(), [])
    expected = [
        dict(zip(("count", "unbalanced"), schema.bracket_count(t), strict=True)) for t in TEXTS
    ]
    assert seen["brackets"] == expected


def test_move_targets_land_where_the_page_asks() -> None:
    """ "Move up / down" asks the server to place a paragraph after some id: placed there
    by the Python schema, it is one step up / down in its section, deleted ones skipped."""
    moves = [("op3", -1), ("op3", 1), ("op1", -1), ("op4", 1), ("pp1", -1), ("op4", -1)]
    seen = _run(_document(), moves)
    for (pid, step), after in zip(moves, seen["moves"], strict=True):
        doc = _document()
        shown = [p.id for p in schema.paragraph_records(doc) if not p.deleted and p.section == "A"]
        if pid not in shown:
            assert after == "none"
            continue
        at = shown.index(pid)
        if not 0 <= at + step < len(shown):
            assert after == "none", (pid, step, after)
            continue
        schema.move_paragraph(doc, pid, after=after)
        now = [p.id for p in schema.paragraph_records(doc) if not p.deleted and p.section == "A"]
        expected = list(shown)
        expected.insert(at + step, expected.pop(at))
        assert now == expected, (pid, step, after)
