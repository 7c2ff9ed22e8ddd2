"""The response views as files: Markdown, HTML, CSV (one row per answer; the csv module
reads it back to exactly the same values) and .docx (python-docx: headings and
paragraphs). Rendering is plain string building over the loaded rows: 1,000
responses x 18 answers render in well under a second except .docx (see bench)."""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterator

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

# (level, text): a heading (1-3) or a paragraph (0); every format renders these.
Block = tuple[int, str]


def _who(r: schemas.RespondentOut) -> str:
    return ", ".join(x for x in (r.organisation, r.name, r.country) if x) or "anonymous"


def _late(late: bool) -> str:
    return " (late)" if late else ""


def respondent_blocks(
    title: str, rows: list[schemas.ResponseOut], texts: dict[int, str]
) -> Iterator[Block]:
    yield 1, f"{title}: contributions by respondent"
    for r in rows:
        label = schemas.STAKEHOLDER_LABELS[r.stakeholder]
        yield 2, f"Response {r.id}: {_who(r.respondent)} ({label}){_late(r.late)}"
        for a in r.answers:
            yield 3, f"Question {a.number}. {texts.get(a.number, '')}".rstrip()
            yield 0, a.text


def question_blocks(title: str, view: schemas.ByQuestion) -> Iterator[Block]:
    yield 1, f"{title}: contributions by question"
    for x in view.questions:
        group = f" [{x.grouping}]" if x.grouping else ""
        yield 2, f"Question {x.number}{group}. {x.text}"
        for a in x.answers:
            label = schemas.STAKEHOLDER_LABELS[a.stakeholder]
            yield 3, f"{_who(a.respondent)} ({label}, response {a.response_id}){_late(a.late)}"
            yield 0, a.text


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


def docx(blocks: Iterator[Block]) -> bytes:
    """Headings and paragraphs in python-docx's default template. The paragraphs'
    XML is built with python-docx's own element factory and put before the section
    properties in one pass: ``add_paragraph`` looks for that place again on every call,
    which made 1,000 responses take minutes."""
    from docx import Document  # imported when asked: most exports never need it
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = Document()
    body = document.element.body
    end = body.sectPr
    style = {n: document.styles[f"Heading {n}"].style_id for n in (1, 2, 3)}
    for level, text in blocks:
        p = OxmlElement("w:p")
        if level:
            props, name = OxmlElement("w:pPr"), OxmlElement("w:pStyle")
            name.set(qn("w:val"), style[level])
            props.append(name)
            p.append(props)
        run = OxmlElement("w:r")
        for i, line in enumerate(_XML_INVALID.sub("", text).split("\n")):
            if i:
                run.append(OxmlElement("w:br"))
            words = OxmlElement("w:t")
            words.set(qn("xml:space"), "preserve")
            words.text = line
            run.append(words)
        p.append(run)
        if end is not None:
            end.addprevious(p)
        else:
            body.append(p)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def csv_bytes(header: tuple[str, ...], rows: Iterator[list[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def respondent_rows(rows: list[schemas.ResponseOut]) -> Iterator[list[str]]:
    for r in rows:
        for a in r.answers:
            yield [
                str(r.id), r.stakeholder, r.respondent.name, r.respondent.organisation,
                r.respondent.country, r.submitted_at.isoformat(), str(r.late).lower(),
                str(a.number), a.text,
            ]  # fmt: skip


def question_rows(view: schemas.ByQuestion) -> Iterator[list[str]]:
    for x in view.questions:
        for a in x.answers:
            yield [
                str(x.number), x.grouping or "", x.text, str(a.response_id), a.stakeholder,
                a.respondent.organisation, str(a.late).lower(), a.text,
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
