"""SQLAlchemy models of meetings, sessions, stream links, transcripts and frozen versions.

In the seed the group meets four times; each meeting has plenary sessions and
breakout groups, each producing a draft that feeds the rolling text. Every
session carries its stream links and a live, non-authoritative transcript.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal, get_args

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from server.storage.models import Base, UTCDateTime, utcnow

# Each enumeration once: the request and response models (``server.sessions.schemas``)
# use the Literal types, the CLI's choices the tuples.
SessionKind = Literal["plenary", "breakout", "informal", "correspondence"]
SessionStatus = Literal["scheduled", "live", "ended"]
StreamKind = Literal["video", "audio"]
# The floor, or one of the six UN official languages.
StreamLanguage = Literal["floor", "ar", "zh", "en", "fr", "ru", "es"]
StreamMode = Literal["live", "recording"]
SESSION_KINDS: tuple[str, ...] = get_args(SessionKind)
SESSION_STATUSES: tuple[str, ...] = get_args(SessionStatus)
STREAM_KINDS: tuple[str, ...] = get_args(StreamKind)
STREAM_LANGUAGES: tuple[str, ...] = get_args(StreamLanguage)
STREAM_MODES: tuple[str, ...] = get_args(StreamMode)


class Meeting(Base):
    __tablename__ = "meetings"
    __table_args__ = (UniqueConstraint("group_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("working_groups.id", ondelete="CASCADE"), nullable=False, index=True
    )
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    venue: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    starts_on: Mapped[date] = mapped_column(Date, nullable=False)
    ends_on: Mapped[date] = mapped_column(Date, nullable=False)


class Session(Base):
    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False, index=True
    )
    group_id: Mapped[int] = mapped_column(
        ForeignKey("working_groups.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    lead_delegation_id: Mapped[int | None] = mapped_column(
        ForeignKey("delegations.id", ondelete="SET NULL"), nullable=True
    )
    scheduled_start: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    scheduled_end: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="scheduled")
    # The draft this session works on: the group's rolling text for a plenary, its
    # own document for a breakout.
    document: Mapped[str] = mapped_column(String(128), nullable=False)


class SessionTransition(Base):
    __tablename__ = "session_transitions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    from_status: Mapped[str] = mapped_column(String(16), nullable=False)
    to_status: Mapped[str] = mapped_column(String(16), nullable=False)
    by: Mapped[str] = mapped_column(String(200), nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class StreamLink(Base):
    __tablename__ = "stream_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    language: Mapped[str] = mapped_column(String(16), nullable=False)
    url: Mapped[str] = mapped_column(String(2000), nullable=False)
    mode: Mapped[str] = mapped_column(String(16), nullable=False)


class TranscriptSegment(Base):
    """One caption segment; ``id`` orders a session's transcript, ``revision`` its edits."""

    __tablename__ = "transcript_segments"
    __table_args__ = (UniqueConstraint("session_id", "client_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    group_id: Mapped[int] = mapped_column(
        ForeignKey("working_groups.id", ondelete="CASCADE"), nullable=False, index=True
    )
    # The feeder's idempotency key: a resent segment is recognised, never doubled.
    client_key: Mapped[str] = mapped_column(String(200), nullable=False)
    speaker: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    delegation: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    start_ms: Mapped[int] = mapped_column(Integer, nullable=False)
    end_ms: Mapped[int] = mapped_column(Integer, nullable=False)
    language: Mapped[str] = mapped_column(String(16), nullable=False, default="floor")
    text: Mapped[str] = mapped_column(Text, nullable=False)
    revision: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_by: Mapped[str] = mapped_column(String(200), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class DocumentVersion(Base):
    """A numbered, immutable version of a document ("Rev.2", or frozen when a session
    ends): its full Yjs state at that moment, which holds the governed index, meta and
    opinions too, so it reads back exactly whatever happens to the live document or
    its update log (``server.revisions`` issues and reads them)."""

    __tablename__ = "document_versions"
    __table_args__ = (UniqueConstraint("document", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document: Mapped[str] = mapped_column(String(128), nullable=False, index=True)
    # 1, 2, 3... per document, in the order the versions were made.
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    # "issued" (by the secretariat or the chair) or "session_end".
    kind: Mapped[str] = mapped_column(String(16), nullable=False, default="issued")
    label: Mapped[str] = mapped_column(String(200), nullable=False)
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="SET NULL"), nullable=True
    )
    state: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    # Paragraphs not deleted at that moment.
    paragraphs: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_by: Mapped[str] = mapped_column(String(200), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    # The group's context (meetings, sessions, participation) as it was at that moment,
    # for the version's report (``server.outputs.context``); NULL for versions made
    # before it was kept, whose reports compute it "as of" their time.
    context: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
