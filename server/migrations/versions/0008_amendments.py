"""Amendments: proposed changes to paragraphs' words, and delegations' stances on them

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 20:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def upgrade() -> None:
    op.create_table(
        "amendments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("paragraph_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("start_sticky", sa.LargeBinary(), nullable=True),
        sa.Column("end_sticky", sa.LargeBinary(), nullable=True),
        sa.Column("anchor_chars", sa.Text(), nullable=True),
        sa.Column("quote_exact", sa.Text(), nullable=False),
        sa.Column("quote_prefix", sa.Text(), nullable=False),
        sa.Column("quote_suffix", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column("proposer_person_id", sa.Integer(), nullable=True),
        sa.Column("proposer_key", sa.String(length=200), nullable=False),
        sa.Column("proposer_name", sa.String(length=200), nullable=False),
        sa.Column("proposer_role", sa.String(length=32), nullable=False),
        sa.Column("proposer_delegation", sa.String(length=200), nullable=True),
        sa.Column("moderation", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_by_name", sa.String(length=200), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("amendments", "decided_by", "people", "SET NULL"),
        _fk("amendments", "document_id", "documents", "CASCADE"),
        _fk("amendments", "group_id", "working_groups", "CASCADE"),
        _fk("amendments", "proposer_person_id", "people", "SET NULL"),
        _fk("amendments", "session_id", "sessions", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_amendments")),
    )
    with op.batch_alter_table("amendments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_amendments_document_id"), ["document_id"])
        batch_op.create_index(batch_op.f("ix_amendments_group_id"), ["group_id"])
    op.create_table(
        "amendment_stances",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("amendment_id", sa.Integer(), nullable=False),
        sa.Column("delegation", sa.String(length=200), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("stance", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        _fk("amendment_stances", "amendment_id", "amendments", "CASCADE"),
        _fk("amendment_stances", "person_id", "people", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_amendment_stances")),
        sa.UniqueConstraint(
            "amendment_id", "delegation", name=op.f("uq_amendment_stances_amendment_id")
        ),
    )
    with op.batch_alter_table("amendment_stances", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_amendment_stances_amendment_id"), ["amendment_id"])


def downgrade() -> None:
    with op.batch_alter_table("amendment_stances", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_amendment_stances_amendment_id"))
    op.drop_table("amendment_stances")
    with op.batch_alter_table("amendments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_amendments_group_id"))
        batch_op.drop_index(batch_op.f("ix_amendments_document_id"))
    op.drop_table("amendments")
