"""Request and response models of the rolling text's governance commands.

The HTTP bodies, the Socket.IO payloads (``parse``) and the OpenAPI document use
these; the fields and paths are the v2 contract the web app is built against.
Values that must fit the document's schema name it (``crdt.schema``): sections,
kinds, sequences and statuses are stated there once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from server.contract import validated
from server.contract.types import Body, Id, Model
from server.errors import BadInput

# Mirrors of crdt.schema's tuples (a test checks they agree).
Section = Literal["intro", "method", "A", "B", "C", "D", "E", "conclusion"]
ParagraphKind = Literal["recommendation", "statement", "opinion", "heading", "text"]
Sequence = Literal["", "what", "how", "who"]
Status = Literal["draft", "agreed_ad_ref", "agreed", "to_be_revisited", "no_agreement", "deleted"]
SettableStatus = Literal["draft", "agreed_ad_ref", "agreed", "to_be_revisited", "no_agreement"]
DocumentKind = Literal["rolling", "breakout", "correspondence", "report"]
ProposalState = Literal["pending", "accepted", "declined"]
DecisionAction = Literal[
    "create", "move", "delete", "restore", "status", "metadata", "option", "opinion",
    "document", "proposal", "amendment", "restore_text",
]  # fmt: skip

MAX_TEXT = 20_000  # characters of a new paragraph's text or an option's
MAX_NOTE = 2000
MAX_DELEGATIONS = 200

Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
ParagraphRef = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Delegation = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Delegations = Annotated[list[Delegation], Field(max_length=MAX_DELEGATIONS)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_NOTE)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Words = Annotated[str, StringConstraints(max_length=MAX_TEXT)]
Offset = Annotated[int, Field(ge=0, le=10**9, description="character (code point) index")]


# -- requests -------------------------------------------------------------------------


class DocumentUpdate(Body):
    """The document's governed metadata; a field left out is unchanged."""

    title: Title | None = None
    kind: DocumentKind | None = None
    session: Id | None = Field(default=None, description="a session of the group; null: none")


class ParagraphCreate(Body):
    label: Label
    section: Section
    kind: ParagraphKind = "text"
    sequence: Sequence = ""
    text: Words = ""
    proposers: Delegations = []
    after: ParagraphRef | None = Field(
        default=None, description="place after this paragraph; null: first; omitted: last"
    )


class ParagraphUpdate(Body):
    """Governed fields of a paragraph; a field left out is unchanged."""

    label: Label | None = None
    section: Section | None = None
    kind: ParagraphKind | None = None
    sequence: Sequence | None = None
    proposers: Delegations | None = None
    supporters: Delegations | None = None


class ParagraphMove(Body):
    after: ParagraphRef | None = Field(description="place after this paragraph; null: first")


class Empty(Body):
    """No fields."""


class StatusChange(Body):
    status: SettableStatus
    session: Id | None = Field(default=None, description="the session deciding it")
    note: Note | None = None


class ProposalCreate(Body):
    status: SettableStatus
    reason: Note | None = None


class ProposalAccept(Body):
    session: Id | None = None
    note: Note | None = None


class ProposalDecline(Body):
    note: Note | None = None


class OpinionCreate(Body):
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
    delegations: Annotated[list[Delegation], Field(min_length=1, max_length=MAX_DELEGATIONS)]
    paragraph: ParagraphRef | None = None
    section: Section | None = None


class OptionCreate(Body):
    label: Label
    text: Words
    proposers: Delegations = []


class BracketRange(Body):
    start: Offset
    end: Offset


class ProposalsQuery(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    state: Literal["pending", "all"] = Field(default="pending", description="all: decided too")


class DecisionsQuery(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    paragraph: ParagraphRef | None = Field(default=None, description="an id or a label")


M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], data: Any) -> M:
    """A Socket.IO payload as ``model``, checked as the HTTP body is."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise BadInput("paragraph events take one JSON object")
    return validated(model, data)


# -- responses ------------------------------------------------------------------------


class Option(Model):
    id: str
    label: str
    text: str
    proposers: list[str]


class Brackets(Model):
    count: int = Field(description="bracketed spans")
    unbalanced: bool


class ParagraphState(Model):
    """A paragraph's governed record (what live events carry: no text)."""

    id: str
    order: str = Field(description="fractional order key; ties broken by id")
    label: str
    section: str
    kind: str
    sequence: str
    proposers: list[str]
    supporters: list[str]
    status: Status
    previous_status: str
    locked: bool
    options: list[Option]
    brackets: Brackets


class Paragraph(ParagraphState):
    text: str = Field(description="square brackets mark language not agreed")


class DocumentMeta(Model):
    title: str
    kind: str
    session: int | None = Field(description="the session the document belongs to")
    model: int


class Opinion(Model):
    id: str
    text: str
    delegations: list[str]
    paragraph: str
    section: str


class DocumentBrackets(Model):
    count: int
    unbalanced: int = Field(description="paragraphs with unbalanced brackets")
    sections: dict[str, int] = Field(description="bracketed spans per section")


class PersonRef(Model):
    person_id: int | None
    name: str
    delegation: str | None


class ParagraphDecision(Model):
    id: int
    paragraph: str
    action: DecisionAction
    before: Any
    after: Any
    by: PersonRef
    session: int | None
    proposal: int | None = Field(description="the proposal this decision accepted")
    at: datetime


class ParagraphDecisionList(Model):
    decisions: list[ParagraphDecision]


class StatusProposal(Model):
    id: int
    paragraph: str
    status: str
    reason: str
    proposer: PersonRef
    state: ProposalState
    created_at: datetime
    decided_by: PersonRef | None
    decided_at: datetime | None
    session: int | None
    note: str | None


class StatusProposalList(Model):
    proposals: list[StatusProposal]
