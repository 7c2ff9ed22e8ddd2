"""A questionnaire's draft document (kind ``questionnaire``): what it starts with, the
questions it holds now, and copying question paragraphs of another draft into it.

Each live (not deleted) paragraph that is not a heading and has words is a question,
in order; its section A-E is the question's grouping (any other section: none). The
paragraph labelled ``stakeholder`` is the stakeholder question, the one labelled
``comments`` the comments question; every other one is a plain-text question.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pycrdt

from crdt import schema
from crdt.schema import DocumentKind, ParagraphSpec

GROUPINGS = ("A", "B", "C", "D", "E")
STAKEHOLDER_LABEL = "stakeholder"
COMMENTS_LABEL = "comments"
STAKEHOLDER_QUESTION = (
    "To which stakeholder group do you belong (Government, Civil Society, Business, "
    "Technical & Academic, International Organization, other)? Please give your name, "
    "organisation and country."
)
COMMENTS_QUESTION = "Please provide any comments and additional topics you wish to raise."


@dataclass(frozen=True)
class DraftQuestion:
    number: int
    kind: str
    text: str
    grouping: str | None
    paragraph_id: str


def kind_of(label: str) -> str:
    low = label.strip().lower()
    if low == STAKEHOLDER_LABEL:
        return "stakeholder"
    if low == COMMENTS_LABEL:
        return "comments"
    return "text"


def questions(doc: pycrdt.Doc[Any]) -> list[DraftQuestion]:
    """The questions the draft holds now, numbered from 1 in order."""
    found: list[DraftQuestion] = []
    for para in schema.paragraph_records(doc):
        if para.deleted or para.kind == "heading":
            continue
        words = str(schema.text_root(doc, para.id)).strip()
        if not words:
            continue
        grouping = para.section if para.section in GROUPINGS else None
        found.append(DraftQuestion(len(found) + 1, kind_of(para.label), words, grouping, para.id))
    return found


def initial(doc: pycrdt.Doc[Any], title: str) -> None:
    """A new draft: the stakeholder question first, the comments question last."""
    schema.init_document(doc, title=title, kind=DocumentKind.QUESTIONNAIRE.value)
    schema.add_paragraph(
        doc, ParagraphSpec(STAKEHOLDER_LABEL, "intro", "text", STAKEHOLDER_QUESTION)
    )
    schema.add_paragraph(
        doc, ParagraphSpec(COMMENTS_LABEL, "conclusion", "text", COMMENTS_QUESTION)
    )


@dataclass(frozen=True)
class Copied:
    label: str
    section: str
    text: str


def copy_from(source: pycrdt.Doc[Any], paragraph_ids: list[str]) -> list[Copied]:
    """The named paragraphs of ``source`` (ids or labels), to copy; KeyError names a
    missing or deleted one."""
    out: list[Copied] = []
    by_label = {p.label: p for p in schema.paragraph_records(source) if not p.deleted}
    for ref in paragraph_ids:
        if schema.has_paragraph(source, ref):
            para = schema.get_paragraph(source, ref)
        elif ref in by_label:
            para = by_label[ref]
        else:
            raise KeyError(ref)
        if para.deleted:
            raise KeyError(ref)
        section = para.section if para.section in GROUPINGS else "method"
        label = para.label if kind_of(para.label) == "text" else f"Q-{para.label}"[:32]
        out.append(Copied(label, section, str(schema.text_root(source, para.id))))
    return out


def insert(doc: pycrdt.Doc[Any], copied: list[Copied]) -> list[str]:
    """Add the copies before the comments question (or at the end); their ids."""
    records = [p for p in schema.paragraph_records(doc) if not p.deleted]
    comments = [i for i, p in enumerate(records) if kind_of(p.label) == "comments"]
    if comments and comments[0] > 0:
        after: str | None = records[comments[0] - 1].id
    elif comments:
        after = None
    else:
        after = records[-1].id if records else None
    ids: list[str] = []
    with doc.transaction():
        for c in copied:
            after = schema.add_paragraph(
                doc, ParagraphSpec(c.label, c.section, "text", c.text), after=after
            )
            ids.append(after)
    return ids


def rewrite(doc: pycrdt.Doc[Any], paragraph_id: str, text: str | None, section: str | None) -> None:
    """Change a question's words and/or section in the draft (a PATCH of a question)."""
    if not schema.has_paragraph(doc, paragraph_id):
        return
    with doc.transaction():
        if text is not None:
            words = schema.text_root(doc, paragraph_id)
            if len(words):
                del words[0 : len(words)]
            words.insert(0, text)
        if section is not None:
            schema.update_paragraph(doc, paragraph_id, section=section)
