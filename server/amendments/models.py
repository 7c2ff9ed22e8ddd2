"""SQLAlchemy models of amendments and of the delegations' stances on them.

An amendment is a proposal to replace, insert after, or delete words of one
paragraph, anchored to those words as comments are (``crdt/anchors.py``: Yjs ids
plus a TextQuoteSelector). ``moderation`` says who may see it (members' are
``visible`` at once; an observer's is ``pending`` until an officer admits it);
``state`` is its fate (``open`` until accepted, rejected, bracketed or withdrawn).
Deciding is a check-and-set on ``state``: a decided amendment is never applied twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.storage.models import Base, UTCDateTime, utcnow


class Amendment(Base):
    __tablename__ = "amendments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), nullable=False, index=True
    )
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("working_groups.id", ondelete="CASCADE"), nullable=True, index=True
    )
    paragraph_id: Mapped[str] = mapped_column(String(64), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    start_sticky: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    end_sticky: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    anchor_chars: Mapped[str | None] = mapped_column(Text, nullable=True)
    quote_exact: Mapped[str] = mapped_column(Text, nullable=False, default="")
    quote_prefix: Mapped[str] = mapped_column(Text, nullable=False, default="")
    quote_suffix: Mapped[str] = mapped_column(Text, nullable=False, default="")
    text: Mapped[str] = mapped_column(Text, nullable=False, default="")
    justification: Mapped[str] = mapped_column(Text, nullable=False, default="")
    proposer_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), nullable=True
    )
    # "person:<id>" or the operator's actor name: who may withdraw, who sees it pending.
    proposer_key: Mapped[str] = mapped_column(String(200), nullable=False)
    proposer_name: Mapped[str] = mapped_column(String(200), nullable=False)
    proposer_role: Mapped[str] = mapped_column(String(32), nullable=False)
    # The delegation, or for an observer their organisation.
    proposer_delegation: Mapped[str | None] = mapped_column(String(200), nullable=True)
    moderation: Mapped[str] = mapped_column(String(16), nullable=False, default="visible")
    state: Mapped[str] = mapped_column(String(16), nullable=False, default="open")
    decided_by: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), nullable=True
    )
    decided_by_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="SET NULL"), nullable=True
    )
    decision_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class AmendmentStance(Base):
    """A delegation co-sponsors (``support``) or opposes an amendment: one stance each."""

    __tablename__ = "amendment_stances"
    __table_args__ = (UniqueConstraint("amendment_id", "delegation"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    amendment_id: Mapped[int] = mapped_column(
        ForeignKey("amendments.id", ondelete="CASCADE"), nullable=False, index=True
    )
    delegation: Mapped[str] = mapped_column(String(200), nullable=False)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), nullable=True
    )
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    stance: Mapped[str] = mapped_column(String(16), nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
