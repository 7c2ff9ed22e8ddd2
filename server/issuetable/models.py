"""SQLAlchemy models of the issue table and of a group's live event counter.

An item is numbered per group. A merged item keeps its row and its sources and
points at the item it was merged into (``merged_into_id``); the remaining item
reaches every source of every item merged into it, recursively. ``revision``
counts an item's changes: a write naming an older one is refused (409).
``GroupEventSeq`` numbers the group's live events (issue items, mapping areas) in
the transaction of the change, so their order is the order of the commits.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.storage.models import Base, UTCDateTime, utcnow


class GroupEventSeq(Base):
    __tablename__ = "group_event_seq"

    group_id: Mapped[int] = mapped_column(
        ForeignKey("working_groups.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class IssueItem(Base):
    __tablename__ = "issue_items"
    __table_args__ = (UniqueConstraint("group_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("working_groups.id", ondelete="CASCADE"), nullable=False, index=True
    )
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    issue: Mapped[str] = mapped_column(Text, nullable=False)
    category: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    grouping: Mapped[str | None] = mapped_column(String(1), nullable=True)
    activities: Mapped[str] = mapped_column(Text, nullable=False, default="")
    status: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("issue_items.id", ondelete="SET NULL"), nullable=True, index=True
    )
    revision: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_by: Mapped[str] = mapped_column(String(200), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class IssueItemSource(Base):
    """A passage of one answer (response, question number) the item was drawn from,
    anchored as comments are: a TextQuoteSelector plus its offsets in the answer."""

    __tablename__ = "issue_item_sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("issue_items.id", ondelete="CASCADE"), nullable=False, index=True
    )
    # A questionnaire response (questionnaire_responses.id); the integrator may add the
    # foreign key once 0011_questionnaires precedes this table's migration.
    response_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    question: Mapped[int] = mapped_column(Integer, nullable=False)
    exact: Mapped[str] = mapped_column(Text, nullable=False)
    prefix: Mapped[str] = mapped_column(Text, nullable=False, default="")
    suffix: Mapped[str] = mapped_column(Text, nullable=False, default="")
    start: Mapped[int] = mapped_column(Integer, nullable=False)
    end: Mapped[int] = mapped_column(Integer, nullable=False)
    created_by: Mapped[str] = mapped_column(String(200), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class IssueItemCitation(Base):
    """A paragraph of a document (a recommendation of the rolling text) citing the item."""

    __tablename__ = "issue_item_citations"
    __table_args__ = (UniqueConstraint("item_id", "document_id", "paragraph_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("issue_items.id", ondelete="CASCADE"), nullable=False, index=True
    )
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), nullable=False, index=True
    )
    paragraph_id: Mapped[str] = mapped_column(String(64), nullable=False)
    label: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    by: Mapped[str] = mapped_column(String(200), nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
