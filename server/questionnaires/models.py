"""SQLAlchemy models of questionnaires and their responses.

A questionnaire's draft is a rolling-text document (kind ``questionnaire``);
publishing freezes its paragraphs into numbered ``questionnaire_questions`` of a
version. Responses keep the version they answered. A response is found again by its
``idempotency_key`` (a resend never makes a second row: unique per questionnaire)
and by its private draft link, of which only a SHA-256 hash is stored. ``folded``
is the answer's case-folded text, searched with LIKE (no FTS extension needed on
SQLite or PostgreSQL; fast enough for 18,000 answers).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.storage.models import Base, UTCDateTime, utcnow


class Questionnaire(Base):
    __tablename__ = "questionnaires"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("working_groups.id", ondelete="CASCADE"), nullable=False, index=True
    )
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    draft_document: Mapped[str] = mapped_column(String(128), nullable=False)
    state: Mapped[str] = mapped_column(String(16), nullable=False, default="draft")
    deadline_utc: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # "YYYY-MM-DDTHH:MM" in the group's zone, as decided.
    deadline_local: Mapped[str | None] = mapped_column(String(16), nullable=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_by: Mapped[str] = mapped_column(String(200), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Question(Base):
    __tablename__ = "questionnaire_questions"
    __table_args__ = (UniqueConstraint("questionnaire_id", "version", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE"), nullable=False
    )
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)  # stakeholder|text|comments
    text: Mapped[str] = mapped_column(Text, nullable=False)
    grouping: Mapped[str | None] = mapped_column(String(1), nullable=True)  # A-E
    paragraph_id: Mapped[str | None] = mapped_column(String(64), nullable=True)


class DeadlineExtension(Base):
    __tablename__ = "deadline_extensions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE"), nullable=False, index=True
    )
    old_local: Mapped[str | None] = mapped_column(String(16), nullable=True)
    old_utc: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    new_local: Mapped[str] = mapped_column(String(16), nullable=False)
    new_utc: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    decision: Mapped[str] = mapped_column(Text, nullable=False)
    by: Mapped[str] = mapped_column(String(200), nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class Response(Base):
    __tablename__ = "questionnaire_responses"
    __table_args__ = (UniqueConstraint("questionnaire_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE"), nullable=False
    )
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    idempotency_key: Mapped[str] = mapped_column(String(128), nullable=False)
    # SHA-256 of the first request's body: the same key with another body is refused.
    request_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    draft_token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    stakeholder: Mapped[str] = mapped_column(String(32), nullable=False)
    respondent_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    organisation: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    country: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    state: Mapped[str] = mapped_column(String(16), nullable=False, default="draft")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    late: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class Answer(Base):
    __tablename__ = "questionnaire_answers"
    __table_args__ = (UniqueConstraint("response_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_responses.id", ondelete="CASCADE"), nullable=False
    )
    # Denormalised: search and by-question read one questionnaire's answers directly.
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE"), nullable=False, index=True
    )
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    folded: Mapped[str] = mapped_column(Text, nullable=False)
