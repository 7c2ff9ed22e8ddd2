"""Exports of the demo's rolling text (``rollingtext demo``) over HTTP and the CLI.

- Markdown and HTML of every part against golden files (tests/golden/README.md says
  how to regenerate them); "now" is fixed, and paragraph ids (random per seeding)
  are replaced by labels in the HTML anchors.
- The Word report read back with python-docx: every paragraph that is not deleted,
  label and text exactly (brackets too), in order, under its section's heading
  (Word "Heading" styles); the status table is a real table whose totals are the
  sizes of the four compilations.
- An export of a version is the same file after later edits, and after a meeting
  dated before it is entered later (the group's context is frozen with the version;
  versions made before that was kept compute it "as of" their time).
- ``disposition=inline``: the printable page opens in the browser, still sandboxed.
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pycrdt
import pytest
from sqlalchemy import select, update

from client import DocumentClient
from crdt import schema
from server.cli import demo
from server.keys import ENGINE
from server.outputs.parts import PARTS
from server.sessions.models import DocumentVersion
from server.settings import Settings
from tests.support.exports import Demo, demo_server, docx_paragraphs, docx_tables
from tests.support.servers import run_cli

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
REGENERATE = os.environ.get("ROLLINGTEXT_REGENERATE_GOLDEN") == "1"
DOC = f"/api/documents/{demo.ROLLING}"


@pytest.fixture
async def wg(settings: Settings) -> AsyncIterator[Demo]:
    async with demo_server(settings) as running:
        yield running


async def content(wg: Demo) -> dict[str, Any]:
    got: dict[str, Any] = await wg.api.ok("GET", DOC, wg.token)
    return got


def compare_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if REGENERATE:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} is missing: ROLLINGTEXT_REGENERATE_GOLDEN=1 writes it"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


async def test_markdown_and_html_of_every_part_match_the_golden_files(wg: Demo) -> None:
    labels = {p["id"]: p["label"] for p in (await content(wg))["paragraphs"]}
    for part in PARTS:
        md = await wg.export(format="md", part=part)
        assert md.headers["Content-Type"] == "text/markdown; charset=utf-8"
        assert md.headers["Content-Disposition"].startswith(
            f'attachment; filename="{demo.ROLLING}-{part}-vnow.md"'
        )
        compare_golden(f"demo-{part}.md", md.text)
        page = await wg.export(format="html", part=part)
        assert page.headers["Content-Type"] == "text/html; charset=utf-8"
        html = re.sub(r'id="p-([0-9a-f]+)"', lambda m: f'id="p-{labels[m.group(1)]}"', page.text)
        compare_golden(f"demo-{part}.html", html)


def report_entries(data: bytes) -> list[tuple[str, str, str]]:
    """(heading above, label, text) of each labelled paragraph of a Word report."""
    heading, out = "", []
    for style, text in docx_paragraphs(data):
        if style in ("Heading 1", "Heading 2"):
            heading = text
        elif style == "Body Text":
            label, _, words = text.partition("\t")
            out.append((heading, label, words))
    return out


async def test_word_report_holds_every_paragraph_in_order_under_its_section(wg: Demo) -> None:
    # A deleted paragraph must not appear; a bracketed one keeps its brackets.
    await wg.api.ok("POST", f"{DOC}/paragraphs/OP3bis/delete", wg.token, {})
    report = await wg.export(format="docx", part="report")
    assert report.headers["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    paragraphs = [p for p in (await content(wg))["paragraphs"] if p["status"] != "deleted"]
    assert "OP3bis" not in {p["label"] for p in paragraphs}
    sections = ("intro", "method", "A", "B", "C", "D", "E", "conclusion")
    paragraphs.sort(key=lambda p: sections.index(p["section"]))  # stable: document order
    heading_of = {}
    for p in paragraphs:
        if p["kind"] == "heading":
            heading_of.setdefault(p["section"], p["text"])
    expected = [(p["section"], p["label"], p["text"]) for p in paragraphs if p["kind"] != "heading"]
    got = report_entries(report.body)
    assert [(label, text) for _, label, text in got] == [(lb, t) for _, lb, t in expected]
    for (heading, label, _), (section, _, _) in zip(got, expected, strict=True):
        assert heading.endswith(heading_of[section]), (label, heading, section)
    styles = {style for style, _ in docx_paragraphs(report.body)}
    assert {"Title", "Heading 1", "Heading 2", "List Bullet", "List Bullet 2"} <= styles
    words = "".join(text for _, _, text in got)
    assert words.count("[") == sum(p["text"].count("[") for p in paragraphs) > 0
    # The methodology is generated from the group's meetings and participants.
    lines = [text for _, text in docx_paragraphs(report.body)]
    assert "WGEC 1st meeting, Geneva: 30-31 May 2013" in lines
    assert any("led by Brazil" in line for line in lines)
    assert "WGEC 4th meeting, Geneva: 30 April - 2 May 2014" in lines
    participants = docx_tables(report.body)[0]
    assert participants[0] == ["Stakeholder group", "Seats", "Delegations", "Members"]
    member_states = next(row for row in participants if row[0] == "Member States")
    seated = str(len(demo.DELEGATIONS["member_states"]))  # one delegate each
    assert member_states[1:] == ["22", seated, seated]


def body_labels(data: bytes) -> list[str]:
    return [
        text.partition("\t")[0] for style, text in docx_paragraphs(data) if style == "Body Text"
    ]


async def test_status_table_counts_are_the_sizes_of_the_compilations(wg: Demo) -> None:
    for label, status in (("OP2", "to_be_revisited"), ("OP6", "no_agreement"),
                          ("OP3", "agreed"), ("OP4", "agreed_ad_ref")):  # fmt: skip
        await wg.api.ok("POST", f"{DOC}/paragraphs/{label}/status", wg.token, {"status": status})
    sizes = {}
    for part in ("statements", "agreed", "revisit", "no-agreement"):
        sizes[part] = len(body_labels((await wg.export(format="docx", part=part)).body))
    assert sizes["revisit"] == 1 and sizes["no-agreement"] == 1 and sizes["agreed"] == 4
    (table,) = docx_tables((await wg.export(format="docx", part="status-table")).body)
    header, total = table[0], table[-1]
    assert total[0] == "Total"
    column = {name: int(total[i]) for i, name in enumerate(header) if i}
    assert column["Agreed"] + column["Agreed ad ref"] == sizes["agreed"]
    assert column["To be revisited"] == sizes["revisit"]
    assert column["No agreement"] == sizes["no-agreement"]
    assert column["Statements"] == sizes["statements"]
    # Rows are groups A-E (then the other sections); each row adds up.
    assert [row[0][0] for row in table[1:6]] == ["A", "B", "C", "D", "E"]
    for row in table[1:]:
        assert sum(map(int, row[1:6])) == int(row[6])


async def end_plenary(wg: Demo) -> None:
    """End the 4th meeting's plenary on the rolling text: that freezes a version."""
    meetings = (await wg.api.ok("GET", f"/api/groups/{wg.gid}/meetings", wg.token))["meetings"]
    fourth = next(m for m in meetings if m["number"] == 4)
    sessions = await wg.api.ok("GET", f"/api/meetings/{fourth['id']}/sessions", wg.token)
    plenary = next(s for s in sessions["sessions"] if s["kind"] == "plenary")
    for status in ("live", "ended"):
        await wg.api.ok(
            "POST", f"/api/sessions/{plenary['id']}/status", wg.token, {"status": status}
        )


async def test_an_export_of_a_version_is_the_same_after_later_edits(wg: Demo) -> None:
    await end_plenary(wg)  # version 1, frozen at the session's end
    issued = await wg.api.ok("POST", f"{DOC}/versions", wg.token, {"label": "Rev.2"})
    assert issued["number"] == 2
    formats = ("md", "html", "docx")
    before = {(f, p, n): (await wg.export(format=f, part=p, version=n)).body
              for f in formats for p in PARTS for n in (1, 2)}  # fmt: skip
    assert b"end of session" in before[("md", "report", 1)]
    assert b"*Version 2: Rev.2, " in before[("md", "report", 2)]

    # Later: text edited, a status decided, a paragraph added and one deleted, an
    # opinion, a meeting planned.
    async with DocumentClient(wg.server.url, demo.ROLLING, wg.token, reconnection=False) as c:
        ids = {p.label: p.id for p in schema.paragraph_records(c.doc)}
        text: pycrdt.Text = schema.text_root(c.doc, ids["OP1"])
        text.insert(0, "EDITED LATER ")
        await c.flush()
    await wg.api.ok("POST", f"{DOC}/paragraphs/OP2/status", wg.token, {"status": "agreed"})
    await wg.api.ok("POST", f"{DOC}/paragraphs", wg.token,
                    {"label": "OP8", "section": "E", "kind": "recommendation",
                     "text": "A later [recommendation]."})  # fmt: skip
    await wg.api.ok("POST", f"{DOC}/paragraphs/OP7/delete", wg.token, {})
    opinion = {"text": "A later view.", "delegations": ["Japan"], "section": "D"}
    await wg.api.ok("POST", f"{DOC}/opinions", wg.token, opinion)
    await wg.api.ok("POST", f"/api/groups/{wg.gid}/meetings", wg.token,
                    {"number": 5, "title": "WGEC 5th meeting", "venue": "Geneva",
                     "starts_on": "2099-01-10", "ends_on": "2099-01-11"})  # fmt: skip

    for (fmt, part, number), body in before.items():
        again = (await wg.export(format=fmt, part=part, version=number)).body
        assert again == body, (fmt, part, number)
    now = (await wg.export(format="md", part="report")).text
    for later in ("EDITED LATER", "**OP8**", "A later view.", "WGEC 5th meeting"):
        assert later in now
    assert "**OP7**" not in now
    assert "**OP7**" in before[("md", "report", 2)].decode()


async def test_cli_writes_the_export_and_refuses_bad_options(
    wg: Demo, settings: Settings, tmp_path: Path
) -> None:
    out = tmp_path / "report.docx"
    url = wg.server.url
    code, said, err = await run_cli(
        settings, "export", "--url", url, "--document", demo.ROLLING, "--format", "docx",
        "--out", str(out),
    )  # fmt: skip
    assert code == 0, err
    assert said.strip() == f"wrote {out} ({out.stat().st_size} bytes)"
    assert out.read_bytes() == (await wg.export(format="docx", part="report")).body
    code, _, err = await run_cli(
        settings, "export", "--url", url, "--document", demo.ROLLING, "--format", "md",
        "--part", "agreed", "--version", "7", "--out", str(tmp_path / "none.md"),
    )  # fmt: skip
    assert code == 2 and err.startswith("error: not_found: "), err
    assert not (tmp_path / "none.md").exists()
    code, _, err = await run_cli(
        settings, "export", "--url", url, "--document", demo.ROLLING, "--format", "md",
        "--version", "0",
    )  # fmt: skip
    assert code == 2 and "version (--version)" in err, err


async def test_a_version_reports_a_session_held_early_but_not_one_planned_later(
    wg: Demo,
) -> None:
    async def meeting(number: int, day: str) -> dict[str, Any]:
        made: dict[str, Any] = await wg.api.ok(
            "POST", f"/api/groups/{wg.gid}/meetings", wg.token,
            {"number": number, "title": f"WGEC meeting {number}", "venue": "Geneva",
             "starts_on": day, "ends_on": day},
        )  # fmt: skip
        return made

    early = await meeting(5, "2099-03-01")
    held = await wg.api.ok(
        "POST", f"/api/meetings/{early['id']}/sessions", wg.token,
        {"kind": "plenary", "title": "Brought forward", "document": demo.ROLLING,
         "scheduled_start": "2099-03-01T10:00:00+01:00",
         "scheduled_end": "2099-03-01T12:00:00+01:00"},
    )  # fmt: skip
    await wg.api.ok("POST", f"/api/sessions/{held['id']}/status", wg.token, {"status": "live"})
    await meeting(6, "2099-06-01")
    await wg.api.ok("POST", f"{DOC}/versions", wg.token, {"label": "Rev.3"})
    report = (await wg.export(format="md", part="report", version=1)).text
    assert "WGEC meeting 5, Geneva: 1 March 2099" in report
    assert "Plenary: Brought forward (1 March 2099)" in report
    assert "WGEC meeting 6" not in report
    assert "WGEC meeting 6" in (await wg.export(format="md", part="report")).text


async def test_a_meeting_entered_after_a_version_stays_out_of_its_report(wg: Demo) -> None:
    await wg.api.ok("POST", f"{DOC}/versions", wg.token, {"label": "Rev.1"})
    formats = ("md", "html", "docx")

    async def reports() -> dict[str, bytes]:
        return {f: (await wg.export(format=f, part="report", version=1)).body for f in formats}

    assert wg.server.app is not None
    engine = wg.server.app[ENGINE]

    async def set_context(value: Any) -> Any:
        """Replace version 1's frozen context (None: as versions made before it was
        kept); returns the one it had."""
        async with engine.begin() as conn:
            had = await conn.scalar(select(DocumentVersion.context))
            await conn.execute(update(DocumentVersion).values(context=value))
        return had

    before = await reports()
    # The frozen context reads back exactly: the same files as computing it.
    frozen = await set_context(None)
    assert frozen is not None and frozen["meetings"]
    assert await reports() == before
    await set_context(frozen)

    # Entered now, but dated before the version was made (and with a session).
    late = await wg.api.ok(
        "POST", f"/api/groups/{wg.gid}/meetings", wg.token,
        {"number": 5, "title": "WGEC informal meeting", "venue": "Tunis",
         "starts_on": "2020-01-10", "ends_on": "2020-01-11"},
    )  # fmt: skip
    await wg.api.ok(
        "POST", f"/api/meetings/{late['id']}/sessions", wg.token,
        {"kind": "plenary", "title": "Entered afterwards", "document": demo.ROLLING,
         "scheduled_start": "2020-01-10T10:00:00+01:00",
         "scheduled_end": "2020-01-10T12:00:00+01:00"},
    )  # fmt: skip
    assert await reports() == before
    assert "WGEC 4th meeting" in before["md"].decode()
    assert "WGEC informal meeting" not in before["md"].decode()
    now = (await wg.export(format="md", part="report")).text
    assert "WGEC informal meeting, Tunis" in now and "Entered afterwards" in now
    # A version made before contexts were kept computes it as of its time: the late
    # meeting, dated before it, shows there (why the context is now frozen).
    await set_context(None)
    assert "WGEC informal meeting, Tunis" in (await reports())["md"].decode()


async def test_the_printable_page_can_be_shown_inline_still_sandboxed(wg: Demo) -> None:
    page = await wg.export(format="html", part="agreed", disposition="inline")
    name = f"{demo.ROLLING}-agreed-vnow.html"
    assert page.headers["Content-Disposition"].startswith(f'inline; filename="{name}"')
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    policy = page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "sandbox" in policy
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    # The same page as the download, which stays the default.
    download = await wg.export(format="html", part="agreed")
    assert download.body == page.body
    assert download.headers["Content-Disposition"].startswith(f'attachment; filename="{name}"')
    assert "sandbox" in download.headers["Content-Security-Policy"]
