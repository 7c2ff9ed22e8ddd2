"""The three renderers keep a paragraph's characters exactly, whatever they are:
brackets, Markdown and HTML syntax, tabs and line breaks; and they agree on what a
part holds (one model, blocks, a renderer per format)."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import UTC, datetime
from html.parser import HTMLParser

import docx
import pytest

from crdt import schema, updates
from server.outputs import parts
from server.outputs.model import DocumentAt, QuestionnaireFigures, document_at
from server.outputs.service import render

markdown_it = pytest.importorskip("markdown_it")

TRICKY = (
    "[Existing mechanisms] [A new body](http://example.org) should <script>alert(1)</script>",
    "# not a heading *nor emphasis* _nor this_ `nor code` & &amp; | pipe ~~no~~",
    "1. not a list\n- nor this\n> nor a quote",
    "Tab\there, a non-BMP \U0001f310 and a backslash \\[kept]",
)
AT = datetime(2014, 5, 2, tzinfo=UTC)


def model() -> DocumentAt:
    doc = updates.new_doc()
    schema.init_document(doc, title="T <&>", kind="rolling")
    for i, text in enumerate(TRICKY, 1):
        spec = schema.ParagraphSpec(f"OP{i}", "A", "recommendation", text, "what")
        schema.add_paragraph(doc, spec)
    schema.add_paragraph(doc, schema.ParagraphSpec("X", "B", "text", "gone", status="deleted"))
    return document_at("doc", doc.get_update(), version=None, label="now", at=AT)


class _Text(HTMLParser):
    """The text of each ``<p>`` (``<br>`` as a line break)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self._open = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "p":
            self._open = True
            self.paragraphs.append("")
        elif tag == "br" and self._open:
            self.paragraphs[-1] += "\n"

    def handle_endtag(self, tag: str) -> None:
        if tag == "p":
            self._open = False

    def handle_data(self, data: str) -> None:
        if self._open:
            self.paragraphs[-1] += data


def paragraphs_of(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return [p.strip() for p in parser.paragraphs]


def test_markdown_reads_back_as_the_same_characters() -> None:
    md = render(model(), "report", "md").decode()
    html = markdown_it.MarkdownIt("commonmark").render(md)
    assert "<a " not in html and "<script>" not in html and "<h" + "1>T &lt;&amp;&gt;" in html
    # A hard break is "<br />" then a newline: one line break.
    texts = [re.sub(r"\n+", "\n", t) for t in paragraphs_of(html)]
    for i, text in enumerate(TRICKY, 1):
        assert f"OP{i} {text}\nWhat? · Draft" in texts, text
    assert not any("gone" in t for t in texts)


def test_html_escapes_and_keeps_brackets() -> None:
    page = render(model(), "report", "html").decode()
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert '<span class="bracketed">[Existing mechanisms]</span>' in page
    assert "@media print" in page and "<link" not in page  # self-contained
    texts = paragraphs_of(page)
    for i, text in enumerate(TRICKY, 1):
        assert f"OP{i} {text}" in texts, text
    assert "gone" not in page


def test_word_keeps_every_character_and_counts_agree_across_formats() -> None:
    m = model()
    document = docx.Document(io.BytesIO(render(m, "report", "docx")))
    body = [
        p.text for p in document.paragraphs if p.style is not None and p.style.name == "Body Text"
    ]
    assert body == [f"OP{i}\t{text}" for i, text in enumerate(TRICKY, 1)]
    # The same paragraphs in each format's compilation of agreed text: none here.
    for fmt in ("md", "html"):
        out = render(m, "agreed", fmt).decode()
        assert re.search(r"0 paragraphs\.", out), fmt
    columns, rows = parts.status_counts(m)
    total = dict(zip(columns, rows[-1][1], strict=True))
    assert total["Draft"] == len(TRICKY) and total["Total"] == len(TRICKY)


def test_the_questionnaire_part_appears_only_with_figures() -> None:
    figures = QuestionnaireFigures(
        "WGEC questionnaire",
        18,
        {"Governments": 29, "Civil society": 23, "Technical and academic": 11, "Business": 8},
    )
    without = model()
    with_figures = replace(without, context=replace(without.context, questionnaire=figures))
    assert "Questionnaire" not in render(without, "report", "md").decode()
    md = render(with_figures, "report", "md").decode()
    assert "### Questionnaire" in md
    total = sum(figures.respondents.values())
    assert f"WGEC questionnaire: 18 questions; {total} respondents, by stakeholder group:" in md
    assert "- Governments: 29" in md
