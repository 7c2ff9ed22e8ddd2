"""``DocumentAt``: "the document at version N", the one model every export renders.

It is built from a version's state bytes (the full Yjs update, which holds the text,
the governed index and meta, and the opinions: ``crdt.schema`` reads them on a fresh
pycrdt Doc) plus the group's context read from SQL (meetings, sessions, participants
by stakeholder group, and the questionnaire's figures once something provides them).
Nothing here renders: the parts (``server.outputs.parts``) turn a ``DocumentAt`` into
blocks and each format's renderer writes those blocks.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from crdt import schema
from server.revisions.reading import read_doc


@dataclass(frozen=True)
class ParagraphAt:
    """One paragraph as it was: its governed record and its text."""

    id: str
    label: str
    section: str
    kind: str
    sequence: str
    proposers: tuple[str, ...]
    supporters: tuple[str, ...]
    status: str
    text: str

    @property
    def deleted(self) -> bool:
        return self.status == schema.Status.DELETED


@dataclass(frozen=True)
class OpinionAt:
    """A divergent view, with the label of the paragraph it qualifies (if any)."""

    id: str
    text: str
    delegations: tuple[str, ...]
    section: str
    paragraph_label: str


@dataclass(frozen=True)
class SessionAt:
    title: str
    kind: str
    starts: datetime
    ends: datetime
    lead: str | None  # the breakout lead delegation's name


@dataclass(frozen=True)
class MeetingAt:
    number: int
    title: str
    venue: str
    starts_on: date
    ends_on: date
    sessions: tuple[SessionAt, ...] = ()


@dataclass(frozen=True)
class Participation:
    """One stakeholder group's participation: seats, delegations seated, members."""

    name: str
    seats: int
    delegations: int
    members: int


@dataclass(frozen=True)
class QuestionnaireFigures:
    """What the report says of the group's questionnaire (issue 14 provides it)."""

    title: str
    questions: int
    respondents: Mapping[str, int]  # stakeholder group name -> respondents

    @property
    def total(self) -> int:
        return sum(self.respondents.values())


class QuestionnaireSource(Protocol):
    """Figures of the group's questionnaire as of ``at`` (None: now), or None when the
    group has none: the report then leaves that part out."""

    def __call__(
        self, group_id: int, at: datetime | None
    ) -> Awaitable[QuestionnaireFigures | None]: ...


@dataclass(frozen=True)
class GroupContext:
    """The working group around a document, as of the version's moment."""

    name: str = ""
    meetings: tuple[MeetingAt, ...] = ()
    participation: tuple[Participation, ...] = ()
    questionnaire: QuestionnaireFigures | None = None


@dataclass(frozen=True)
class DocumentAt:
    """The document at version ``version`` (None: as it is now, at ``at``)."""

    name: str
    title: str
    kind: str
    version: int | None
    label: str
    at: datetime
    paragraphs: tuple[ParagraphAt, ...]
    opinions: tuple[OpinionAt, ...]
    context: GroupContext = field(default_factory=GroupContext)

    @property
    def visible(self) -> tuple[ParagraphAt, ...]:
        """Every paragraph but the deleted ones, in document order."""
        return tuple(p for p in self.paragraphs if not p.deleted)


def read_state(state: bytes) -> tuple[dict[str, Any], list[ParagraphAt], list[OpinionAt]]:
    """Meta, paragraphs (document order, deleted included) and opinions of a state."""
    doc = read_doc(state)  # an old version reads as model v2, like a live room
    paragraphs = [
        ParagraphAt(
            id=p.id,
            label=p.label,
            section=p.section,
            kind=p.kind,
            sequence=p.sequence,
            proposers=p.proposers,
            supporters=p.supporters,
            status=p.status,
            text=str(schema.text_root(doc, p.id)),
        )
        for p in schema.paragraph_records(doc)
    ]
    labels = {p.id: p.label for p in paragraphs}
    sections = {p.id: p.section for p in paragraphs}
    opinions = [
        OpinionAt(
            id=o.id,
            text=o.text,
            delegations=o.delegations,
            section=o.section or sections.get(o.paragraph, ""),
            paragraph_label=labels.get(o.paragraph, ""),
        )
        for o in schema.opinion_records(doc)
    ]
    return schema.document_meta(doc), paragraphs, opinions


def document_at(
    name: str,
    state: bytes,
    *,
    version: int | None,
    label: str,
    at: datetime,
    context: GroupContext | None = None,
) -> DocumentAt:
    """The model of ``state`` (a full Yjs update of the document)."""
    meta, paragraphs, opinions = read_state(state)
    return DocumentAt(
        name=name,
        title=meta["title"] or name,
        kind=meta["kind"],
        version=version,
        label=label,
        at=at,
        paragraphs=tuple(paragraphs),
        opinions=tuple(opinions),
        context=context or GroupContext(),
    )
