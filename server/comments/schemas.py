"""Request and response models of comments: each constraint stated once.

HTTP bodies, Socket.IO ``comment-*`` payloads (through ``parse``) and the OpenAPI
document all use these, so both transports accept exactly the same inputs and the
document describes exactly what is sent.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, Field, StringConstraints, ValidationInfo, field_validator
from pydantic.json_schema import SkipJsonSchema

from server.auth.tokens import Role
from server.contract import validated
from server.contract.types import Body, Id, Model, optional
from server.errors import BadInput

MAX_BODY = 5000  # characters of a comment
MAX_NOTE = 2000  # characters of a flag's note or a decision's reason
MAX_BULK = 500  # comments one bulk decision may decide
MAX_OFFSET = 10**9  # a character index past any paragraph

Moderation = Literal["visible", "pending", "rejected", "flagged"]
ThreadState = Literal["open", "resolved"]
AnchorKind = Literal["document", "paragraph", "range"]
FlagReason = Literal["spam", "off-topic", "offensive"]
DecisionKind = Literal["approved", "rejected"]

# Non-blank, trimmed, bounded (``contract.types.text``, spelt out for the type checker).
CommentText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_BODY)
]
Note = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_NOTE)]
ParagraphId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Meeting = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Offset = Field(
    default=None, ge=0, le=MAX_OFFSET, description="character (code point) index in the paragraph"
)


# -- requests -------------------------------------------------------------------------


class NewAnchor(Body):
    """Where a new thread points: no ``paragraph_id``, the whole document; a
    ``paragraph_id`` alone, that paragraph; with ``start`` and ``end``, the range
    ``[start, end)`` of its text."""

    paragraph_id: ParagraphId | None = None
    start: int | None = Offset
    end: int | None = Field(
        default=None, ge=0, le=MAX_OFFSET, description="exclusive; with start: a range"
    )


class CommentCreate(Body):
    body: CommentText
    anchor: NewAnchor | None = Field(default=None, description="none: the whole document")


class CommentBody(Body):
    """A reply's or an edit's text."""

    body: CommentText


class CommentFlag(Body):
    reason: FlagReason = Field(description="why a member flags a comment")
    note: Note | None = None


class CommentDecide(Body):
    """The group's decision on a pending or flagged comment."""

    decision: DecisionKind
    meeting: Meeting = Field(description="the meeting whose agreement this records")
    reason: Note | None = Field(
        default=None, validate_default=True, description="required to reject"
    )

    @field_validator("reason")
    @classmethod
    def _rejection_has_reason(cls, reason: str | None, info: ValidationInfo) -> str | None:
        if reason is None and info.data.get("decision") == "rejected":
            raise ValueError("a rejection states its reason")
        return reason


class CommentBulkDecide(CommentDecide):
    ids: list[Id] = Field(min_length=1, max_length=MAX_BULK, description="all or none")


M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], data: Any) -> M:
    """A Socket.IO event's payload (a decoded JSON value; none: ``{}``) as ``model``,
    checked exactly as the HTTP body is: ``ValidationFailed`` names each bad field."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise BadInput("comment events take one JSON object")
    return validated(model, data)


# -- responses ------------------------------------------------------------------------


class CommentAuthor(Model):
    name: str
    role: Role
    person_id: int | None


class LatestDecision(Model):
    """The latest approval or rejection."""

    by: str
    at: datetime
    meeting: str | None
    reason: str | None


class AnchorQuote(Model):
    """The anchored words as first quoted (a W3C TextQuoteSelector)."""

    exact: str
    prefix: str
    suffix: str


class AnchorSticky(Model):
    start: str | None = Field(description="base64 Yjs relative position of the first character")
    end: str | None = Field(description="base64 Yjs relative position of the last character")


class AnchorFound(Model):
    """Where a detached range's quote reads now: a hint, never applied."""

    paragraph_id: str | None
    start: int
    end: int


class Anchor(Model):
    """Where the comment points now; a range whose words were all deleted is detached
    and keeps its quote (``found`` is only a hint where the quote reads now)."""

    kind: AnchorKind
    paragraph_id: str | None
    quote: AnchorQuote
    sticky: AnchorSticky
    attached: bool
    detached: bool
    start: int | SkipJsonSchema[None] = optional("an attached range's first character")
    end: int | SkipJsonSchema[None] = optional("an attached range's end (exclusive)")
    text: str | SkipJsonSchema[None] = optional("the anchored text now")
    reason: str | SkipJsonSchema[None] = optional("why it is detached")
    found: AnchorFound | SkipJsonSchema[None] = optional()


class Comment(Model):
    id: int
    document: str
    group_id: int | None
    parent_id: int | None = Field(description="the thread's first comment")
    author: CommentAuthor
    body: str
    moderation: Moderation = Field(
        description="pending: awaiting the group; flagged: back to review"
    )
    state: ThreadState
    created_at: datetime
    edited_at: datetime | None
    resolved_by: str | None
    resolved_at: datetime | None
    flag_reason: str | None
    decision: LatestDecision | None
    anchor: Anchor | None


class CommentEdit(Model):
    """A body the comment had before one of its author's edits."""

    previous_body: str
    edited_at: datetime


class CommentDecision(Model):
    """A moderation act: approved or rejected by the group, or flagged by a member."""

    decision: Literal["approved", "rejected", "flagged"]
    by: str
    at: datetime
    meeting: str | None
    reason: str | None


class CommentDetail(Comment):
    """One comment with its latest earlier versions (officers: its decisions too)."""

    history: list[CommentEdit]
    decisions: list[CommentDecision] | SkipJsonSchema[None] = optional("officers only")


class CommentList(Model):
    comments: list[Comment]


class CommentDeleted(Model):
    id: int
    deleted: bool
