"""Deletion records: who deleted which characters of a document

``document_deletions`` holds, per document, ranges of Yjs item ids (client id,
first clock, length) and the person who first sent a delete set covering them.
A Yjs item keeps its id for ever but a delete set says nothing of who deleted,
so this table is the only record of it; it is its own table, so compaction
(which folds log rows away) loses nothing. First deleter wins: a range is
recorded only where no earlier row covers it (a stock client's sync step 2
re-sends the whole delete set). ``person_id`` has no foreign key, like
``document_clients``: storage stays independent of groups, the recorded name and
delegation outlive a deleted person, and a group commit can never fail on one.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 22:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "document_deletions",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.BigInteger(), nullable=False),
        sa.Column("clock", sa.BigInteger(), nullable=False),
        sa.Column("length", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("delegation", sa.String(length=200), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_document_deletions_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_deletions")),
    )
    op.create_index(
        op.f("ix_document_deletions_document_id"),
        "document_deletions",
        ["document_id", "client_id", "clock"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_document_deletions_document_id"), table_name="document_deletions")
    op.drop_table("document_deletions")
