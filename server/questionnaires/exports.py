"""The response views as files: Markdown, HTML, CSV (one row per answer; the csv module
reads it back to exactly the same values) and .docx (python-docx: headings and
paragraphs). Rendering is plain string building over the loaded rows: 1,000
responses x 18 answers render in well under a second except .docx (see bench)."""

from __future__ import annotations

import csv
import functools
import html
import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any

from server.questionnaires import schemas

MEDIA = {
    "md": "text/markdown",
    "html": "text/html",
    "csv": "text/csv",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
RESPONDENT_COLUMNS = (
    "response_id", "stakeholder", "name", "organisation", "country", "submitted_at", "late",
    "question", "answer",
)  # fmt: skip
QUESTION_COLUMNS = (
    "question", "grouping", "question_text", "response_id", "stakeholder", "organisation",
    "late", "answer",
)  # fmt: skip
DISTRIBUTION_COLUMNS = ("stakeholder", "total", "on_time", "late")

# Characters XML 1.0 cannot carry (a .docx would not open).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

Json = dict[str, Any]  # a view as the API sends it (``reading``)

# (level, text): a heading (1-3) or a paragraph (0); every format renders these.
Block = tuple[int, str]


def _who(r: Json) -> str:
    return ", ".join(x for x in (r["organisation"], r["name"], r["country"]) if x) or "anonymous"


def _late(late: bool) -> str:
    return " (late)" if late else ""


def respondent_blocks(title: str, rows: list[Json], texts: dict[int, str]) -> Iterator[Block]:
    yield 1, f"{title}: contributions by respondent"
    for r in rows:
        label = schemas.STAKEHOLDER_LABELS[r["stakeholder"]]
        yield 2, f"Response {r['id']}: {_who(r['respondent'])} ({label}){_late(r['late'])}"
        for a in r["answers"]:
            yield 3, f"Question {a['number']}. {texts.get(a['number'], '')}".rstrip()
            yield 0, a["text"]


def question_blocks(title: str, view: Json) -> Iterator[Block]:
    yield 1, f"{title}: contributions by question"
    for x in view["questions"]:
        group = f" [{x['grouping']}]" if x["grouping"] else ""
        yield 2, f"Question {x['number']}{group}. {x['text']}"
        for a in x["answers"]:
            label = schemas.STAKEHOLDER_LABELS[a["stakeholder"]]
            who = f"{_who(a['respondent'])} ({label}, response {a['response_id']})"
            yield 3, who + _late(a["late"])
            yield 0, a["text"]


def distribution_blocks(title: str, d: schemas.Distribution) -> Iterator[Block]:
    yield 1, f"{title}: distribution of respondents"
    yield 0, f"{d.total} respondents: {d.on_time} on time, {d.late} after the deadline."
    for key, c in d.by_stakeholder.items():
        yield (
            0,
            f"{schemas.STAKEHOLDER_LABELS[key]}: {c.total} ({c.on_time} on time, {c.late} late)",
        )


def markdown(blocks: Iterator[Block]) -> bytes:
    out = []
    for level, text in blocks:
        out.append(f"{'#' * level} {text}" if level else text.replace("\n", "  \n"))
        out.append("")
    return "\n".join(out).encode()


def to_html(title: str, blocks: Iterator[Block]) -> bytes:
    out = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title></head><body>",
    ]
    for level, text in blocks:
        body = html.escape(text)
        if level:
            out.append(f"<h{level}>{body}</h{level}>")
        else:
            out.append("<p>" + body.replace("\n", "<br>") + "</p>")
    out.append("</body></html>")
    return "\n".join(out).encode()


@functools.cache
def _template() -> tuple[bytes, dict[int, str]]:
    """python-docx's default document, saved empty, and its heading styles' ids."""
    from docx import Document  # imported when asked: most exports never need it

    template = Document()
    style = {n: template.styles[f"Heading {n}"].style_id for n in (1, 2, 3)}
    empty = io.BytesIO()
    template.save(empty)
    return empty.getvalue(), style


def docx(blocks: Iterator[Block]) -> bytes:
    """Headings and paragraphs in python-docx's default template. The paragraphs are
    WordprocessingML text put into the template's ``word/document.xml`` before its
    section properties, the other parts copied as they are: python-docx's
    ``add_paragraph`` per block takes minutes for 19,000 blocks, and even a parsed
    tree costs a second to parse and serialise again."""
    empty, style = _template()
    parts = []
    for level, text in blocks:
        props = f'<w:pPr><w:pStyle w:val="{style[level]}"/></w:pPr>' if level else ""
        lines = html.escape(_XML_INVALID.sub("", text), quote=False).split("\n")
        words = "<w:br/>".join(f'<w:t xml:space="preserve">{line}</w:t>' for line in lines)
        parts.append(f"<w:p>{props}<w:r>{words}</w:r></w:p>")
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(empty)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dest,
    ):
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                xml = data.decode()
                at = xml.rfind("<w:sectPr")
                at = at if at >= 0 else xml.rfind("</w:body>")
                data = (xml[:at] + "".join(parts) + xml[at:]).encode()
            dest.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
    return out.getvalue()


def csv_bytes(header: tuple[str, ...], rows: Iterator[list[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def respondent_rows(rows: list[Json]) -> Iterator[list[str]]:
    for r in rows:
        who = r["respondent"]
        for a in r["answers"]:
            yield [
                str(r["id"]), r["stakeholder"], who["name"], who["organisation"], who["country"],
                r["submitted_at"], str(r["late"]).lower(), str(a["number"]), a["text"],
            ]  # fmt: skip


def question_rows(view: Json) -> Iterator[list[str]]:
    for x in view["questions"]:
        for a in x["answers"]:
            yield [
                str(x["number"]), x["grouping"] or "", x["text"], str(a["response_id"]),
                a["stakeholder"], a["respondent"]["organisation"], str(a["late"]).lower(),
                a["text"],
            ]  # fmt: skip


def distribution_rows(d: schemas.Distribution) -> Iterator[list[str]]:
    for key, c in d.by_stakeholder.items():
        yield [key, str(c.total), str(c.on_time), str(c.late)]
    yield ["all", str(d.total), str(d.on_time), str(d.late)]


def render(fmt: str, title: str, blocks: Iterator[Block], table: bytes) -> bytes:
    """``blocks`` as ``fmt`` (csv: ``table``, already written)."""
    if fmt == "csv":
        return table
    if fmt == "md":
        return markdown(blocks)
    if fmt == "html":
        return to_html(title, blocks)
    return docx(blocks)
