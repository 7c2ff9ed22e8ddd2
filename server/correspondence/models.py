"""SQLAlchemy models of correspondence groups, their members and their mapping table.

A correspondence group works between meetings on terms of reference (a document of
kind ``correspondence`` made for it), under a chair, with members, to a deadline;
its chair's report and the compilation of its contributions are documents of the
group attached to the meeting where they are presented. Its mapping table is rows
of areas (existing mechanisms, gaps, contributions), each with a ``revision``.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.storage.models import Base, UTCDateTime, utcnow


class CorrespondenceGroup(Base):
    __tablename__ = "correspondence_groups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("working_groups.id", ondelete="CASCADE"), nullable=False, index=True
    )
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    terms_document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="RESTRICT"), nullable=False
    )
    chair_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), nullable=True
    )
    deadline: Mapped[date | None] = mapped_column(Date, nullable=True)
    report_document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL"), nullable=True
    )
    compilation_document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL"), nullable=True
    )
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), nullable=True
    )
    revision: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class CorrespondenceMember(Base):
    __tablename__ = "correspondence_members"
    __table_args__ = (UniqueConstraint("correspondence_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    correspondence_id: Mapped[int] = mapped_column(
        ForeignKey("correspondence_groups.id", ondelete="CASCADE"), nullable=False, index=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), nullable=False
    )


class MappingArea(Base):
    __tablename__ = "mapping_areas"
    __table_args__ = (UniqueConstraint("correspondence_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    correspondence_id: Mapped[int] = mapped_column(
        ForeignKey("correspondence_groups.id", ondelete="CASCADE"), nullable=False, index=True
    )
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    area: Mapped[str] = mapped_column(Text, nullable=False)
    mechanisms: Mapped[str] = mapped_column(Text, nullable=False, default="")
    gaps: Mapped[str] = mapped_column(Text, nullable=False, default="")
    contributions: Mapped[str] = mapped_column(Text, nullable=False, default="")
    revision: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    updated_by: Mapped[str] = mapped_column(String(200), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
