"""Request and response models of meetings, sessions, stream links and transcripts.

Every constraint is stated here once: the HTTP routes validate with these models,
the captioner's Socket.IO events and the session CLI validate through them too,
and the OpenAPI document (so the web app's types) is generated from them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from server.contract.types import Body, Id, Model
from server.documents.schemas import DocumentContent
from server.sessions.models import (
    SessionKind,
    SessionStatus,
    StreamKind,
    StreamLanguage,
    StreamMode,
)

MAX_SEGMENT_CHARS = 5000
MAX_MS = 2**31 - 1  # the columns are 32-bit: about 24 days of recording
NOTICE_DESCRIPTION = "the transcript is not authoritative"

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
StreamUrl = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=2000, pattern=r"^(https?|rtmp|srt)://"
    ),
    Field(description="an http(s), rtmp or srt URL"),
]
Milliseconds = Annotated[int, Field(ge=0, le=MAX_MS, description="from the session start")]


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


# A caption as the captioner typed it (not trimmed: its spacing is theirs), not blank.
SegmentText = Annotated[
    str, StringConstraints(min_length=1, max_length=MAX_SEGMENT_CHARS), AfterValidator(_not_blank)
]
Label = Annotated[str, StringConstraints(max_length=200)]


# -- requests ----------------------------------------------------------------------


class MeetingCreate(Body):
    number: Annotated[int, Field(ge=1, le=1000)]
    title: Title
    venue: Title | None = None
    starts_on: date
    ends_on: Annotated[date, Field(description="not before starts_on")]

    @field_validator("ends_on")
    @classmethod
    def _not_before_start(cls, ends_on: date, info: ValidationInfo) -> date:
        starts_on = info.data.get("starts_on")
        if starts_on is not None and ends_on < starts_on:
            raise ValueError("a meeting cannot end before it starts")
        return ends_on


class MeetingSessionCreate(Body):
    """A plenary works on an existing group document (the rolling text); any other kind
    gets a draft document of its own, private unless ``public_draft``."""

    kind: Annotated[
        SessionKind,
        Field(description="a plenary works on a group document; other kinds get their own draft"),
    ]
    title: Title
    scheduled_start: Annotated[AwareDatetime, Field(description="with a time zone")]
    scheduled_end: Annotated[AwareDatetime, Field(description="with a time zone, after the start")]
    lead_delegation_id: Annotated[Id | None, Field(description="a delegation of the group")] = None
    document: Annotated[
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]
        | None,
        Field(validate_default=True, description="plenary only: an existing group document"),
    ] = None
    public_draft: Annotated[
        bool,
        Field(
            description="not plenary: let followers and observers (and anonymous followers of "
            "a publicly followed group) read the draft and follow the session; by default the "
            "draft is private to the group's members"
        ),
    ] = False

    @field_validator("scheduled_end")
    @classmethod
    def _after_start(cls, end: datetime, info: ValidationInfo) -> datetime:
        start = info.data.get("scheduled_start")
        if start is not None and end <= start:
            raise ValueError("must be after scheduled_start")
        return end

    @field_validator("document")
    @classmethod
    def _plenary_has_a_document(cls, document: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("kind") == "plenary" and document is None:
            raise ValueError("a plenary works on an existing group document")
        return document

    @field_validator("public_draft")
    @classmethod
    def _plenary_has_no_draft(cls, public: bool, info: ValidationInfo) -> bool:
        if public and info.data.get("kind") == "plenary":
            raise ValueError("a plenary has no draft of its own: its document decides who reads it")
        return public


class SessionStatusChange(Body):
    status: Annotated[Literal["live", "ended"], Field(description="scheduled -> live -> ended")]


class StreamLinkCreate(Body):
    kind: StreamKind
    language: Annotated[StreamLanguage, Field(description="floor, or a UN official language")]
    url: StreamUrl
    mode: StreamMode


class StreamLinkUpdate(Body):
    """The fields to change; those left out (or null) keep their value."""

    kind: StreamKind | None = None
    language: StreamLanguage | None = None
    url: StreamUrl | None = None
    mode: StreamMode | None = None


class TranscriptSegmentIn(Body):
    client_key: Annotated[
        str,
        StringConstraints(min_length=1, max_length=200),
        Field(description="idempotency key: a resend returns the stored segment"),
    ]
    text: SegmentText
    start_ms: Milliseconds
    end_ms: Annotated[int, Field(ge=0, le=MAX_MS, description="not before start_ms")]
    speaker: Label = ""
    delegation: Label = ""
    language: StreamLanguage = "floor"

    @field_validator("end_ms")
    @classmethod
    def _not_before_start(cls, end_ms: int, info: ValidationInfo) -> int:
        start_ms = info.data.get("start_ms")
        if start_ms is not None and end_ms < start_ms:
            raise ValueError("must not be before start_ms")
        return end_ms


class TranscriptAppend(Body):
    segments: Annotated[list[TranscriptSegmentIn], Field(min_length=1)]


class SegmentCorrection(Body):
    text: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_SEGMENT_CHARS)
    ]
    speaker: Title | None = None


class TranscriptSearchQuery(BaseModel):
    """The query string of a search (other parameters, such as ``token``, are not its)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    q: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1),
        Field(description="words, all of which a segment must contain (case-insensitive)"),
    ]


# -- responses ---------------------------------------------------------------------


class Meeting(Model):
    id: int
    group_id: int
    number: int
    title: str
    venue: str
    starts_on: date
    ends_on: date


class MeetingList(Model):
    meetings: list[Meeting]


class StreamLink(Model):
    id: int
    kind: StreamKind
    language: StreamLanguage
    url: str
    mode: StreamMode


class StreamLinks(Model):
    streams: list[StreamLink]


class MeetingSession(Model):
    id: int
    meeting_id: int
    group_id: int
    kind: SessionKind
    title: str
    lead_delegation_id: int | None
    scheduled_start: datetime
    scheduled_end: datetime
    status: SessionStatus
    document: str = Field(description="the draft this session works on")


class MeetingSessionDetail(MeetingSession):
    """A single session, with its stream links."""

    streams: list[StreamLink]


class MeetingSessionCreated(MeetingSessionDetail):
    public_draft: bool = Field(
        description="whether followers and observers may read the draft (and so follow the session)"
    )


class MeetingSessionList(Model):
    sessions: list[MeetingSession]


class SessionTransition(Model):
    model_config = ConfigDict(serialize_by_alias=True, validate_by_name=True)

    from_: SessionStatus = Field(alias="from")
    to: SessionStatus
    by: str
    at: datetime


class SessionTransitionList(Model):
    transitions: list[SessionTransition]


class DraftVersion(Model):
    id: int
    number: int = Field(description="the version's number in its document (1, 2, 3...)")
    document: str
    label: str
    created_by: str
    created_at: datetime
    bytes: int = Field(description="size of the frozen Yjs update")


class DraftVersionList(Model):
    versions: list[DraftVersion]


class TranscriptSegment(Model):
    id: int = Field(description="orders the session's transcript")
    session_id: int
    speaker: str
    delegation: str
    start_ms: int = Field(description="from the session start")
    end_ms: int
    language: StreamLanguage
    text: str
    revision: int = Field(ge=1, description="1, plus one per correction")
    updated_at: datetime


class TranscriptSegments(Model):
    segments: list[TranscriptSegment]


class TranscriptImported(Model):
    segments: list[TranscriptSegment]
    count: int


class Transcript(Model):
    notice: str = Field(description=NOTICE_DESCRIPTION)
    segments: list[TranscriptSegment]
    upto: int = Field(description="highest segment id so far (0 if none)")


class TranscriptSearchHit(TranscriptSegment):
    session_title: str


class TranscriptSearch(Model):
    notice: str = Field(description=NOTICE_DESCRIPTION)
    results: list[TranscriptSearchHit]


class SessionFollowLive(Model):
    socketio_namespace: str = Field(examples=["/session|12"])


class SessionFollow(Model):
    session: MeetingSessionDetail
    streams: list[StreamLink]
    draft: DocumentContent
    transcript: Transcript
    live: SessionFollowLive
