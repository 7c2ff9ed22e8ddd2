"""Request and response models of amendments (the issue-18 contract), each constraint
stated once: HTTP bodies, Socket.IO ``amendment-*`` payloads (through ``parse``), the
CLI and the OpenAPI document all use these."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from server.auth.tokens import Role
from server.contract import validated
from server.contract.types import Body, Id, Model
from server.errors import BadInput
from server.paragraphs.schemas import Empty as Empty  # the same {} body

MAX_TEXT = 20_000  # characters of proposed words
MAX_JUSTIFICATION = 1000
MAX_NOTE = 2000
MAX_OFFSET = 10**9

Kind = Literal["replace", "insert", "delete"]
Moderation = Literal["visible", "pending", "rejected"]
State = Literal["open", "accepted", "rejected", "bracketed", "withdrawn"]
Verdict = Literal["accept", "reject", "bracket"]
Stance = Literal["support", "oppose"]

ParagraphRef = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET, description="character (code point) index")]
Justification = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=MAX_JUSTIFICATION)
]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_NOTE)]


# -- requests -------------------------------------------------------------------------


class AmendmentCreate(Body):
    """Words of a paragraph to replace, delete, or insert after: ``[start, end)`` in
    code points of its text now. An insertion may name a point (``start == end``):
    the new words go there."""

    paragraph: ParagraphRef = Field(description="a paragraph's id (or its label)")
    start: Offset
    end: Offset
    kind: Kind
    text: Annotated[str, StringConstraints(max_length=MAX_TEXT)] = Field(
        default="", description="the replacement or the insertion; empty for a deletion"
    )
    justification: Justification = ""

    @model_validator(mode="after")
    def _consistent(self) -> AmendmentCreate:
        if self.kind == "delete" and self.text:
            raise ValueError("a deletion proposes no words")
        if self.kind != "delete" and not self.text.strip():
            raise ValueError(f"a {self.kind} proposes words: give text")
        return self


class AmendmentAdmit(Body):
    session: Id | None = Field(default=None, description="the session admitting it")


class AmendmentDecide(Body):
    decision: Verdict
    session: Id | None = Field(default=None, description="the session deciding it")
    note: Note | None = None
    confirm_outdated: bool = Field(
        default=False,
        description="accept even though the anchored words changed (compared by the chair)",
    )


class AmendmentsQuery(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    paragraph: ParagraphRef | None = Field(default=None, description="an id or a label")
    state: State | None = None


M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], data: Any) -> M:
    """A Socket.IO payload as ``model``, checked exactly as the HTTP body is."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise BadInput("amendment events take one JSON object")
    return validated(model, data)


# -- responses ------------------------------------------------------------------------


class AmendmentProposer(Model):
    person_id: int | None
    name: str
    role: Role
    delegation: str | None = Field(description="the delegation, or an observer's organisation")


class AmendmentQuote(Model):
    """The anchored words when proposed (a W3C TextQuoteSelector)."""

    exact: str
    prefix: str
    suffix: str


class AmendmentAnchor(Model):
    attached: bool
    start: int | None = Field(description="first anchored character now (code points)")
    end: int | None = Field(description="end (exclusive) of the anchored words now")


class AmendmentDecision(Model):
    by: str
    at: datetime
    session: int | None
    note: str | None


class Amendment(Model):
    id: int
    document: str
    paragraph: str
    kind: Kind
    text: str
    justification: str
    proposer: AmendmentProposer
    moderation: Moderation = Field(description="pending: an observer's, not yet admitted")
    state: State
    outdated: bool = Field(description="the anchored words changed (or are gone)")
    quote: AmendmentQuote
    current: str | None = Field(description="the anchored words now; null when gone")
    anchor: AmendmentAnchor
    support: list[str] = Field(description="co-sponsoring delegations")
    oppose: list[str]
    created_at: datetime
    decision: AmendmentDecision | None


class AmendmentList(Model):
    amendments: list[Amendment]
