"""SQLAlchemy models of comments: threads anchored in the text, their edits and decisions.

A comment's ``moderation`` says who may see it (``visible``, ``pending`` until the
group approves an observer's comment, ``rejected``, ``flagged`` back to review);
its ``state`` is the thread's (``open``/``resolved``). Nothing is ever removed:
deletion is soft, edits keep the previous body, every moderation decision is a row
naming who decided, when, and on which meeting's agreement.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.storage.models import Base, UTCDateTime, utcnow

# The values of ``moderation``, ``state``, ``anchor_kind`` and the rest are stated
# once, in ``server.comments.schemas`` (the API's models).


class Comment(Base):
    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), nullable=False, index=True
    )
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("working_groups.id", ondelete="CASCADE"), nullable=True, index=True
    )
    # A reply points to its thread's first comment; replies share its anchor.
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), nullable=True, index=True
    )
    author_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), nullable=True
    )
    # "person:<id>" or the operator's actor name: who may edit, and who sees it pending.
    author_key: Mapped[str] = mapped_column(String(200), nullable=False)
    author_name: Mapped[str] = mapped_column(String(200), nullable=False)
    author_role: Mapped[str] = mapped_column(String(32), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    moderation: Mapped[str] = mapped_column(String(16), nullable=False, default="visible")
    state: Mapped[str] = mapped_column(String(16), nullable=False, default="open")
    anchor_kind: Mapped[str | None] = mapped_column(String(16), nullable=True)
    paragraph_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    start_sticky: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    end_sticky: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    anchor_chars: Mapped[str | None] = mapped_column(Text, nullable=True)
    quote_exact: Mapped[str] = mapped_column(Text, nullable=False, default="")
    quote_prefix: Mapped[str] = mapped_column(Text, nullable=False, default="")
    quote_suffix: Mapped[str] = mapped_column(Text, nullable=False, default="")
    flag_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # The latest approval or rejection (every one is also a CommentDecision row).
    decided_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    decision_meeting: Mapped[str | None] = mapped_column(String(200), nullable=True)
    decision_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    resolved_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    deleted_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class CommentEdit(Base):
    """The body a comment had before one of its author's edits."""

    __tablename__ = "comment_edits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), nullable=False, index=True
    )
    previous_body: Mapped[str] = mapped_column(Text, nullable=False)
    edited_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class CommentDecision(Base):
    """A moderation act: approved or rejected (by the group), or flagged (by a member)."""

    __tablename__ = "comment_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), nullable=False, index=True
    )
    decision: Mapped[str] = mapped_column(String(16), nullable=False)
    actor: Mapped[str] = mapped_column(String(200), nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    meeting_ref: Mapped[str | None] = mapped_column(String(200), nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
