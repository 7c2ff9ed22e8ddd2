"""SQLAlchemy 2.0 models of the persistence layer.

A document is an append-only log of Yjs updates (``document_updates``) plus at most
one compacted snapshot (``document_snapshots``). Loading a document is "snapshot +
every remaining log row"; compaction folds log rows into the snapshot.

Authorship: each log row names the person who sent it (``author_id``), and
``document_clients`` maps every Yjs client id seen in a document to the person
who first wrote with it. Every character carries its client id for ever, and the
map is its own table, so compaction (which folds the rows away) loses nothing:
any character can be attributed to a person and delegation at any time.
``document_deletions`` records, the same way, who first deleted which items. People
are referred to by id without a foreign key: storage stays independent of
groups, and the recorded name and delegation outlive a deleted person.

The Alembic migrations under ``server/migrations`` create exactly these tables; a
test compares the migrated schema with this metadata.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Deterministic constraint/index names: migrations can refer to them and the
# schema comparison in the tests does not depend on backend-generated names.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Names are addressed by clients (URLs, room ids); 128 is plenty and bounds indexes.
MAX_NAME_LENGTH = 128

# BIGINT on PostgreSQL (the update log grows forever); SQLite only auto-increments
# an INTEGER PRIMARY KEY, which is 64-bit there anyway.
BigIntId = BigInteger().with_variant(Integer, "sqlite")


def utcnow() -> datetime:
    """Current time as a timezone-aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC in Python.

    PostgreSQL stores ``timestamptz``; SQLite keeps no zone, so naive values read
    back are UTC by construction (we only ever write UTC).
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base carrying the shared metadata (and its naming convention)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Document(Base):
    """One named collaborative document."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(MAX_NAME_LENGTH), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class DocumentSnapshot(Base):
    """The compacted state of a document: every update folded so far, as one update."""

    __tablename__ = "document_snapshots"

    document_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    # Strictly increasing per document: compaction uses it as a compare-and-set token.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class DocumentUpdate(Base):
    """One durable Yjs update not yet folded into the snapshot."""

    __tablename__ = "document_updates"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    document_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False, index=True
    )
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    # The person who sent the update; NULL for the server's own writes (reverts,
    # commands) and for operator tokens, which stand for no person.
    author_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class DocumentClient(Base):
    """A Yjs client id seen in a document, and the person who first wrote with it.

    First owner wins: another person later sending structs of the same client id
    is logged, never recorded (it cannot take over someone's characters).
    """

    __tablename__ = "document_clients"
    __table_args__ = (UniqueConstraint("document_id", "client_id"),)

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    document_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False
    )
    # Yjs ids are 32-bit, pycrdt's up to 2**53: a BIGINT holds every one.
    client_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    person_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    delegation: Mapped[str | None] = mapped_column(String(200), nullable=True)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class DocumentDeletion(Base):
    """Yjs items (client id, clocks ``clock``..``clock + length - 1``) of a document,
    and the person who first sent a delete set covering them.

    First deleter wins: the writer records only parts no row covers yet, and a
    lookup resolves any overlap (two processes racing) in favour of the lowest id.
    """

    __tablename__ = "document_deletions"
    __table_args__ = (Index(None, "document_id", "client_id", "clock"),)

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    document_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False
    )
    client_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    clock: Mapped[int] = mapped_column(BigInteger, nullable=False)
    length: Mapped[int] = mapped_column(Integer, nullable=False)
    # No foreign key to people, like document_clients (see the module docstring).
    person_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    delegation: Mapped[str | None] = mapped_column(String(200), nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
