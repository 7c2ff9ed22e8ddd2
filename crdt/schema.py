"""The rolling text's shape, model v2 (DESIGN.md section 3), mirrored in the web client.

One drafting document is one Y.Doc. Its roots:

- ``p:<id>`` (Text, one root per paragraph): the paragraph's words. A root type can
  never be deleted or recreated by any client, so a paragraph's identity is its id
  and its Y.Text for ever: moves, deletions and restores never touch the text, and
  concurrent or offline edits always land.
- ``index`` (Map: paragraph id -> plain record): order key, label, section, kind,
  sequence, proposing and supporting delegations, status, options. Position is
  data (``order``, a fractional key; ties broken by id), so a move rewrites one key
  and two concurrent moves can never duplicate a paragraph. Deletion is a status.
- ``meta`` (Map): ``title``, ``kind``, ``session`` (the session's id, or None),
  ``model`` (2).
- ``opinions`` (Map: opinion id -> plain record): divergent views attached to a
  paragraph or a section, naming the delegations that hold them.

``meta``, ``index`` and ``opinions`` are *governed*: only the server writes them,
through role-checked, audited commands. Their values are plain data (never shared
types), so the server can always put back a value a client overwrote, and every
replica converges to it. Text is the only thing clients write freely, and the text
of an agreed paragraph is locked (see ``LOCKED``).

Model v1 kept paragraphs as maps in a ``paragraphs`` array, with the text nested in
them: a move recreated the text and lost concurrent edits. ``upgrade_v1`` moves a v1
document to this model, keeping every paragraph, label and character.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from pycrdt import Array, Doc, Map, Text

from crdt import order

META = "meta"
INDEX = "index"
OPINIONS = "opinions"
TEXT_PREFIX = "p:"
GOVERNED_ROOTS = (META, INDEX, OPINIONS)
MODEL_VERSION = 2
# Model v1's root (an array of paragraph maps); emptied by ``upgrade_v1``.
V1_PARAGRAPHS = "paragraphs"


class DocumentKind(StrEnum):
    """What a document is for (``meta.kind``); the API's models validate with it."""

    ROLLING = "rolling"
    BREAKOUT = "breakout"
    CORRESPONDENCE = "correspondence"
    REPORT = "report"
    # A questionnaire's draft: each paragraph a question, its section A-E its grouping.
    QUESTIONNAIRE = "questionnaire"


class Status(StrEnum):
    """A paragraph's negotiation status; "bracketed" is derived from the text."""

    DRAFT = "draft"
    AGREED_AD_REF = "agreed_ad_ref"
    AGREED = "agreed"
    TO_BE_REVISITED = "to_be_revisited"
    NO_AGREEMENT = "no_agreement"
    DELETED = "deleted"


STATUS_LABELS = {
    Status.DRAFT: "draft",
    Status.AGREED_AD_REF: "agreed ad ref",
    Status.AGREED: "agreed",
    Status.TO_BE_REVISITED: "to be revisited",
    Status.NO_AGREEMENT: "no agreement",
    Status.DELETED: "deleted",
}
STATUSES = tuple(s.value for s in Status)
# Agreed language: a non-officer's edit to it does not take, on any transport.
LOCKED = frozenset({Status.AGREED, Status.AGREED_AD_REF})

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
ID_MAX = 64  # characters of a paragraph, option or opinion id

_BRACKETS = re.compile(r"\[[^\[\]]*\]")
# One point of disagreement: a bracketed span, or alternatives side by side
# ("[original] [proposed]", "[Alt 1 ...] [Alt 2 ...]"). Mirrored in the web app.
BRACKET_POINT_PATTERN = r"\[[^\[\]]*\](?:\s*\[[^\[\]]*\])*"
_BRACKET_POINTS = re.compile(BRACKET_POINT_PATTERN)


class SchemaError(ValueError):
    """A value does not fit the rolling-text schema."""


def new_id() -> str:
    return uuid.uuid4().hex[:12]


@dataclass(frozen=True)
class Option:
    """An alternative formulation of one paragraph ("Alt 1"), with its proposers."""

    id: str
    label: str
    text: str
    proposers: tuple[str, ...] = ()

    def to_record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "text": self.text,
            "proposers": list(self.proposers),
        }

    @classmethod
    def from_record(cls, data: Mapping[str, Any]) -> Option:
        return cls(
            id=_str(data.get("id")),
            label=_str(data.get("label")),
            text=_str(data.get("text")),
            proposers=_strs(data.get("proposers")),
        )


@dataclass(frozen=True)
class Paragraph:
    """A paragraph's governed record (everything but its text)."""

    id: str
    order: str
    label: str
    section: str
    kind: str = "text"
    sequence: str = ""
    proposers: tuple[str, ...] = ()
    supporters: tuple[str, ...] = ()
    status: str = Status.DRAFT.value
    # The status a deleted paragraph had, so restoring brings it back.
    previous_status: str = ""
    options: tuple[Option, ...] = ()

    @property
    def locked(self) -> bool:
        return self.status in LOCKED

    @property
    def deleted(self) -> bool:
        return self.status == Status.DELETED

    def validate(self) -> None:
        if not self.id or len(self.id) > ID_MAX:
            raise SchemaError(f"a paragraph id must be 1 to {ID_MAX} characters")
        if not order.valid(self.order):
            raise SchemaError(f"invalid order key {self.order!r}")
        if self.section not in SECTIONS:
            raise SchemaError(f"unknown section {self.section!r}; expected one of {SECTIONS}")
        if self.kind not in PARAGRAPH_KINDS:
            raise SchemaError(f"unknown paragraph kind {self.kind!r}")
        if self.sequence and self.sequence not in SEQUENCES:
            raise SchemaError(f"unknown sequence {self.sequence!r}")
        if not self.label or len(self.label) > LABEL_MAX:
            raise SchemaError(f"a paragraph label must be 1 to {LABEL_MAX} characters")
        if self.status not in STATUSES:
            raise SchemaError(f"unknown status {self.status!r}; expected one of {STATUSES}")

    def to_record(self) -> dict[str, Any]:
        return {
            "order": self.order,
            "label": self.label,
            "section": self.section,
            "kind": self.kind,
            "sequence": self.sequence,
            "proposers": list(self.proposers),
            "supporters": list(self.supporters),
            "status": self.status,
            "previous_status": self.previous_status,
            "options": [option.to_record() for option in self.options],
        }

    @classmethod
    def from_record(cls, pid: str, data: Mapping[str, Any]) -> Paragraph:
        options = data.get("options")
        return cls(
            id=pid,
            order=_str(data.get("order")),
            label=_str(data.get("label")),
            section=_str(data.get("section")),
            kind=_str(data.get("kind")) or "text",
            sequence=_str(data.get("sequence")),
            proposers=_strs(data.get("proposers")),
            supporters=_strs(data.get("supporters")),
            status=_str(data.get("status")) or Status.DRAFT.value,
            previous_status=_str(data.get("previous_status")),
            options=tuple(
                Option.from_record(o)
                for o in (options if isinstance(options, list) else [])
                if isinstance(o, Mapping)
            ),
        )


@dataclass(frozen=True)
class Opinion:
    """A divergent view, attached to a paragraph or a section, held by delegations."""

    id: str
    text: str
    delegations: tuple[str, ...]
    paragraph: str = ""
    section: str = ""

    def to_record(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "delegations": list(self.delegations),
            "paragraph": self.paragraph,
            "section": self.section,
        }

    @classmethod
    def from_record(cls, oid: str, data: Mapping[str, Any]) -> Opinion:
        return cls(
            id=oid,
            text=_str(data.get("text")),
            delegations=_strs(data.get("delegations")),
            paragraph=_str(data.get("paragraph")),
            section=_str(data.get("section")),
        )


@dataclass(frozen=True)
class ParagraphSpec:
    """What a new paragraph is made of (seeding, imports, the create command)."""

    label: str
    section: str
    kind: str = "text"
    text: str = ""
    sequence: str | None = None
    proposers: tuple[str, ...] = ()
    id: str | None = None
    status: str = Status.DRAFT.value
    supporters: tuple[str, ...] = field(default=())


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _strs(value: Any) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)):
        return ()
    return tuple(v for v in value if isinstance(v, str))


# -- roots --------------------------------------------------------------------------


def meta(doc: Doc[Any]) -> Map[Any]:
    root: Map[Any] = doc.get(META, type=Map)
    return root


def index(doc: Doc[Any]) -> Map[Any]:
    root: Map[Any] = doc.get(INDEX, type=Map)
    return root


def opinions_root(doc: Doc[Any]) -> Map[Any]:
    root: Map[Any] = doc.get(OPINIONS, type=Map)
    return root


def text_name(paragraph_id: str) -> str:
    return TEXT_PREFIX + paragraph_id


def paragraph_id_of(root_name: str) -> str | None:
    """The paragraph id of a ``p:<id>`` root name, else None."""
    return root_name[len(TEXT_PREFIX) :] if root_name.startswith(TEXT_PREFIX) else None


def text_root(doc: Doc[Any], paragraph_id: str) -> Text:
    """The paragraph's Y.Text, whether or not the index lists it."""
    root: Text = doc.get(text_name(paragraph_id), type=Text)
    return root


# -- reading ------------------------------------------------------------------------


def document_meta(doc: Doc[Any]) -> dict[str, Any]:
    m = meta(doc)
    session = m.get("session")
    return {
        "title": _str(m.get("title")),
        "kind": _str(m.get("kind")) or DocumentKind.ROLLING.value,
        # A session id (int); v1 kept free text here, which no longer counts.
        "session": int(session)
        if isinstance(session, (int, float)) and not isinstance(session, bool)
        else None,
        "model": int(m.get("model") or 1),
    }


def paragraph_records(doc: Doc[Any]) -> list[Paragraph]:
    """Every paragraph in document order (deleted ones too: their status says so)."""
    out = []
    for pid, data in index(doc).items():
        if isinstance(data, Mapping):
            out.append(Paragraph.from_record(pid, data))
    out.sort(key=lambda p: (p.order, p.id))
    return out


def get_paragraph(doc: Doc[Any], paragraph_id: str) -> Paragraph:
    data = index(doc).get(paragraph_id)
    if not isinstance(data, Mapping):
        raise SchemaError(f"no paragraph with id {paragraph_id!r}")
    return Paragraph.from_record(paragraph_id, data)


def has_paragraph(doc: Doc[Any], paragraph_id: str) -> bool:
    return isinstance(index(doc).get(paragraph_id), Mapping)


def paragraph_text(doc: Doc[Any], paragraph_id: str) -> Text:
    """The Y.Text of a paragraph the index lists (deleted ones included)."""
    if not has_paragraph(doc, paragraph_id):
        raise SchemaError(f"no paragraph with id {paragraph_id!r}")
    return text_root(doc, paragraph_id)


def opinion_records(doc: Doc[Any]) -> list[Opinion]:
    out = [
        Opinion.from_record(oid, data)
        for oid, data in opinions_root(doc).items()
        if isinstance(data, Mapping)
    ]
    out.sort(key=lambda o: o.id)
    return out


def bracket_count(text: str) -> tuple[int, bool]:
    """(points in brackets, whether the brackets are unbalanced) of one text.

    Alternatives side by side ("[original] [proposed]") are one point: bracketing an
    amendment beside the original adds one point of disagreement, not two."""
    depth, unbalanced = 0, False
    for ch in text:
        if ch == "[":
            depth += 1
        elif ch == "]":
            if depth == 0:
                unbalanced = True
            else:
                depth -= 1
    return len(_BRACKET_POINTS.findall(text)), unbalanced or depth != 0


def bracketed_spans(text: str) -> list[tuple[int, int]]:
    """Character ranges of square-bracketed (not yet agreed) language."""
    return [(m.start(), m.end()) for m in _BRACKETS.finditer(text)]


def to_plain(doc: Doc[Any]) -> dict[str, Any]:
    """The document as plain data (the API, exports, convergence checks)."""
    paragraphs = []
    for para in paragraph_records(doc):
        text = str(text_root(doc, para.id))
        count, unbalanced = bracket_count(text)
        item = {"id": para.id, **para.to_record(), "locked": para.locked}
        item["brackets"] = {"count": count, "unbalanced": unbalanced}
        item["text"] = text
        paragraphs.append(item)
    return {
        "meta": document_meta(doc),
        "paragraphs": paragraphs,
        "opinions": [{"id": o.id, **o.to_record()} for o in opinion_records(doc)],
    }


# -- writing (the server's commands; clients never write governed roots) -------------


def init_document(
    doc: Doc[Any], *, title: str, kind: str = "rolling", session: int | None = None
) -> None:
    """Set the document's metadata (idempotent for equal values)."""
    if kind not in DOCUMENT_KINDS:
        raise SchemaError(f"unknown document kind {kind!r}; expected one of {DOCUMENT_KINDS}")
    with doc.transaction():
        m = meta(doc)
        for key, value in (
            ("title", title),
            ("kind", kind),
            ("session", session),
            ("model", MODEL_VERSION),
        ):
            if m.get(key) != value or key not in m:
                m[key] = value


def put_paragraph(doc: Doc[Any], para: Paragraph) -> None:
    """Write a paragraph's governed record (validated)."""
    para.validate()
    index(doc)[para.id] = para.to_record()


def _neighbour_key(
    doc: Doc[Any], after: str | None, moving: str | None
) -> tuple[str | None, str | None]:
    """The order keys a paragraph placed right after ``after`` (None: first) goes between."""
    records = [p for p in paragraph_records(doc) if p.id != moving]
    if after is None:
        return None, records[0].order if records else None
    for i, para in enumerate(records):
        if para.id == after:
            nxt = records[i + 1].order if i + 1 < len(records) else None
            if nxt == para.order:  # equal keys (concurrent placement): step past them
                nxt = None if i + 2 >= len(records) else records[i + 2].order
            return para.order, nxt
    raise SchemaError(f"no paragraph with id {after!r}")


def _last(doc: Doc[Any]) -> str | None:
    records = paragraph_records(doc)
    return records[-1].id if records else None


def add_paragraph(doc: Doc[Any], spec: ParagraphSpec, *, after: str | object | None = ...) -> str:
    """Add a paragraph (after ``after``; None: first; omitted: at the end); return its id."""
    pid = spec.id or new_id()
    if has_paragraph(doc, pid):
        raise SchemaError(f"a paragraph with id {pid!r} exists")
    place = _last(doc) if after is ... else after
    assert place is None or isinstance(place, str)
    low, high = _neighbour_key(doc, place, None)
    para = Paragraph(
        id=pid,
        order=order.between(low, high if high != low else None),
        label=spec.label,
        section=spec.section,
        kind=spec.kind,
        sequence=spec.sequence or "",
        proposers=tuple(spec.proposers),
        supporters=tuple(spec.supporters),
        status=spec.status,
    )
    para.validate()
    with doc.transaction():
        put_paragraph(doc, para)
        if spec.text:
            text_root(doc, pid).insert(0, spec.text)
    return pid


def move_paragraph(doc: Doc[Any], paragraph_id: str, *, after: str | None) -> Paragraph:
    """Place a paragraph right after ``after`` (None: first). Its text is not touched."""
    para = get_paragraph(doc, paragraph_id)
    if after == paragraph_id:
        raise SchemaError("a paragraph cannot be placed after itself")
    low, high = _neighbour_key(doc, after, paragraph_id)
    moved = replace(para, order=order.between(low, high if high != low else None))
    put_paragraph(doc, moved)
    return moved


def update_paragraph(doc: Doc[Any], paragraph_id: str, **changes: Any) -> Paragraph:
    """Change governed fields of a paragraph (validated); return the new record."""
    para = replace(get_paragraph(doc, paragraph_id), **changes)
    put_paragraph(doc, para)
    return para


def put_opinion(doc: Doc[Any], opinion: Opinion) -> None:
    if opinion.paragraph and not has_paragraph(doc, opinion.paragraph):
        raise SchemaError(f"no paragraph with id {opinion.paragraph!r}")
    if opinion.section and opinion.section not in SECTIONS:
        raise SchemaError(f"unknown section {opinion.section!r}")
    if not (opinion.paragraph or opinion.section):
        raise SchemaError("an opinion qualifies a paragraph or a section")
    opinions_root(doc)[opinion.id] = opinion.to_record()


def remove_opinion(doc: Doc[Any], opinion_id: str) -> None:
    root = opinions_root(doc)
    if opinion_id not in root:
        raise SchemaError(f"no opinion with id {opinion_id!r}")
    del root[opinion_id]


# -- model v1 ----------------------------------------------------------------------


def is_v1(doc: Doc[Any]) -> bool:
    """Whether the document still holds model-v1 paragraphs to upgrade."""
    v1: Array[Any] = doc.get(V1_PARAGRAPHS, type=Array)
    return len(v1) > 0


def upgrade_v1(doc: Doc[Any]) -> int:
    """Move a model-v1 document to model v2 in one transaction; return how many
    paragraphs moved. Every paragraph, label and character is kept; values that no
    longer fit the schema are kept as text where they can be (a label too long is
    cut to ``LABEL_MAX``), never dropped silently. Idempotent."""
    v1: Array[Any] = doc.get(V1_PARAGRAPHS, type=Array)
    items: list[dict[str, Any]] = []
    for entry in v1:
        if not isinstance(entry, Map):
            continue
        text = entry.get("text")
        items.append(
            {
                "id": _str(entry.get("id")) or new_id(),
                "label": _str(entry.get("label")),
                "section": _str(entry.get("section")),
                "kind": _str(entry.get("kind")),
                "sequence": _str(entry.get("sequence")),
                "proposer": _str(entry.get("proposer")),
                "text": str(text) if isinstance(text, Text) else "",
            }
        )
    if not items:
        return 0
    keys = order.spread(len(items))
    m = meta(doc)
    session = m.get("session")
    with doc.transaction():
        seen: set[str] = set()
        for key, item in zip(keys, items, strict=True):
            pid = item["id"][:ID_MAX]
            if pid in seen or has_paragraph(doc, pid):
                pid = new_id()
            seen.add(pid)
            para = Paragraph(
                id=pid,
                order=key,
                label=(item["label"] or "¶")[:LABEL_MAX],
                section=item["section"] if item["section"] in SECTIONS else SECTIONS[0],
                kind=item["kind"] if item["kind"] in PARAGRAPH_KINDS else "text",
                sequence=item["sequence"] if item["sequence"] in SEQUENCES else "",
                proposers=(item["proposer"],) if item["proposer"] else (),
            )
            put_paragraph(doc, para)
            if item["text"]:
                text_root(doc, pid).insert(0, item["text"])
        del v1[0 : len(v1)]
        if not isinstance(session, int):
            # v1 kept free text here; the session is now a link to a session row.
            if isinstance(session, str) and session:
                m["legacy_session"] = session
            m["session"] = None
        m["model"] = MODEL_VERSION
    return len(items)
