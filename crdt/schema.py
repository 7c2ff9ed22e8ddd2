"""The rolling text's shape (DESIGN.md section 3), mirrored in the web client.

One drafting document is one Y.Doc with two root types:

- ``meta`` (Map): ``title``, ``kind`` (rolling | breakout | correspondence | report),
  ``session`` (the session/meeting it belongs to, may be empty).
- ``paragraphs`` (Array of Map): each paragraph has a stable ``id``, a ``label``
  (OP3, OP3bis), a ``section``, a ``kind``, a ``sequence``, a ``proposer`` and its
  ``text`` (Y.Text). Square brackets mark language not yet agreed.

Governance state (paragraph status, decisions) is server-authoritative and is
deliberately *not* part of the CRDT.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pycrdt import Array, Doc, Map, Text

META = "meta"
PARAGRAPHS = "paragraphs"


class DocumentKind(StrEnum):
    """What a document is for (``meta.kind``); the API's models validate with it."""

    ROLLING = "rolling"
    BREAKOUT = "breakout"
    CORRESPONDENCE = "correspondence"
    REPORT = "report"


DOCUMENT_KINDS = tuple(kind.value for kind in DocumentKind)
SECTIONS = ("intro", "method", "A", "B", "C", "D", "E", "conclusion")
SECTION_TITLES = {
    "intro": "Introduction",
    "method": "Meetings and methodology",
    "A": "A",
    "B": "B",
    "C": "C",
    "D": "D",
    "E": "E",
    "conclusion": "Conclusion",
}
PARAGRAPH_KINDS = ("recommendation", "statement", "opinion", "heading", "text")
SEQUENCES = ("what", "how", "who")
LABEL_MAX = 32  # characters of a paragraph label (OP3bis, PP12, ...)

_BRACKETS = re.compile(r"\[[^\[\]]*\]")


class SchemaError(ValueError):
    """A value does not fit the rolling-text schema."""


@dataclass(frozen=True)
class ParagraphSpec:
    label: str
    section: str
    kind: str = "text"
    text: str = ""
    sequence: str | None = None
    proposer: str | None = None
    id: str | None = None

    def validate(self) -> None:
        if self.section not in SECTIONS:
            raise SchemaError(f"unknown section {self.section!r}; expected one of {SECTIONS}")
        if self.kind not in PARAGRAPH_KINDS:
            raise SchemaError(f"unknown paragraph kind {self.kind!r}")
        if self.sequence is not None and self.sequence not in SEQUENCES:
            raise SchemaError(f"unknown sequence {self.sequence!r}")
        if not self.label or len(self.label) > LABEL_MAX:
            raise SchemaError(f"a paragraph label must be 1 to {LABEL_MAX} characters")


def meta(doc: Doc[Any]) -> Map[Any]:
    root: Map[Any] = doc.get(META, type=Map)
    return root


def paragraphs(doc: Doc[Any]) -> Array[Any]:
    root: Array[Any] = doc.get(PARAGRAPHS, type=Array)
    return root


def init_document(doc: Doc[Any], *, title: str, kind: str = "rolling", session: str = "") -> None:
    """Set the document's metadata (idempotent for equal values)."""
    if kind not in DOCUMENT_KINDS:
        raise SchemaError(f"unknown document kind {kind!r}; expected one of {DOCUMENT_KINDS}")
    with doc.transaction():
        m = meta(doc)
        m["title"] = title
        m["kind"] = kind
        m["session"] = session
        paragraphs(doc)


def add_paragraph(doc: Doc[Any], spec: ParagraphSpec, index: int | None = None) -> str:
    """Insert a paragraph (at the end by default); return its id."""
    spec.validate()
    pid = spec.id or uuid.uuid4().hex[:12]
    para: Map[Any] = Map(
        {
            "id": pid,
            "label": spec.label,
            "section": spec.section,
            "kind": spec.kind,
            "sequence": spec.sequence or "",
            "proposer": spec.proposer or "",
            "text": Text(spec.text),
        }
    )
    with doc.transaction():
        arr = paragraphs(doc)
        if index is None:
            arr.append(para)
        else:
            arr.insert(index, para)
    return pid


def find_paragraph(doc: Doc[Any], paragraph_id: str) -> tuple[int, Map[Any]]:
    for index, para in enumerate(paragraphs(doc)):
        if isinstance(para, Map) and para.get("id") == paragraph_id:
            return index, para
    raise SchemaError(f"no paragraph with id {paragraph_id!r}")


def paragraph_text(doc: Doc[Any], paragraph_id: str) -> Text:
    _, para = find_paragraph(doc, paragraph_id)
    text = para.get("text")
    if not isinstance(text, Text):
        raise SchemaError(f"paragraph {paragraph_id!r} has no text")
    return text


def to_plain(doc: Doc[Any]) -> dict[str, Any]:
    """The document as plain data (exports, tests, convergence checks)."""
    m = meta(doc)
    out_paragraphs = []
    for para in paragraphs(doc):
        if not isinstance(para, Map):
            continue
        item = {k: para.get(k) for k in ("id", "label", "section", "kind", "sequence", "proposer")}
        text = para.get("text")
        item["text"] = str(text) if text is not None else ""
        out_paragraphs.append(item)
    return {
        "meta": {k: m.get(k) for k in ("title", "kind", "session")},
        "paragraphs": out_paragraphs,
    }


def bracketed_spans(text: str) -> list[tuple[int, int]]:
    """Character ranges of square-bracketed (not yet agreed) language."""
    return [(m.start(), m.end()) for m in _BRACKETS.finditer(text)]
