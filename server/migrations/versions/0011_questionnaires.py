"""Questionnaires: the group's time zone, questionnaires and their frozen questions,
deadline extensions, responses (idempotency key, draft link hash, late flag) and answers

Revision ID: 0011
Revises: 0008
Create Date: 2026-11-29 22:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
# The integrator re-chains this after 0010_revisions.
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def _index(table: str, *columns: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in columns:
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column])


def upgrade() -> None:
    with op.batch_alter_table("working_groups", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("time_zone", sa.String(length=64), nullable=False, server_default="UTC")
        )
    op.create_table(
        "questionnaires",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("draft_document", sa.String(length=128), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("deadline_utc", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deadline_local", sa.String(length=16), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        _fk("questionnaires", "group_id", "working_groups", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaires")),
    )
    _index("questionnaires", "group_id")
    op.create_table(
        "questionnaire_questions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("questionnaire_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("grouping", sa.String(length=1), nullable=True),
        sa.Column("paragraph_id", sa.String(length=64), nullable=True),
        _fk("questionnaire_questions", "questionnaire_id", "questionnaires", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaire_questions")),
        sa.UniqueConstraint(
            "questionnaire_id",
            "version",
            "number",
            name=op.f("uq_questionnaire_questions_questionnaire_id"),
        ),
    )
    op.create_table(
        "deadline_extensions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("questionnaire_id", sa.Integer(), nullable=False),
        sa.Column("old_local", sa.String(length=16), nullable=True),
        sa.Column("old_utc", sa.DateTime(timezone=True), nullable=True),
        sa.Column("new_local", sa.String(length=16), nullable=False),
        sa.Column("new_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decision", sa.Text(), nullable=False),
        sa.Column("by", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        _fk("deadline_extensions", "questionnaire_id", "questionnaires", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deadline_extensions")),
    )
    _index("deadline_extensions", "questionnaire_id")
    op.create_table(
        "questionnaire_responses",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("questionnaire_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=128), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("draft_token_hash", sa.String(length=64), nullable=False),
        sa.Column("stakeholder", sa.String(length=32), nullable=False),
        sa.Column("respondent_name", sa.String(length=200), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("country", sa.String(length=100), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        _fk("questionnaire_responses", "questionnaire_id", "questionnaires", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaire_responses")),
        sa.UniqueConstraint(
            "questionnaire_id",
            "idempotency_key",
            name=op.f("uq_questionnaire_responses_questionnaire_id"),
        ),
        sa.UniqueConstraint(
            "draft_token_hash", name=op.f("uq_questionnaire_responses_draft_token_hash")
        ),
    )
    op.create_table(
        "questionnaire_answers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("questionnaire_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("folded", sa.Text(), nullable=False),
        _fk("questionnaire_answers", "response_id", "questionnaire_responses", "CASCADE"),
        _fk("questionnaire_answers", "questionnaire_id", "questionnaires", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaire_answers")),
        sa.UniqueConstraint(
            "response_id", "number", name=op.f("uq_questionnaire_answers_response_id")
        ),
    )
    _index("questionnaire_answers", "questionnaire_id")


def downgrade() -> None:
    with op.batch_alter_table("questionnaire_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_questionnaire_answers_questionnaire_id"))
    op.drop_table("questionnaire_answers")
    op.drop_table("questionnaire_responses")
    with op.batch_alter_table("deadline_extensions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deadline_extensions_questionnaire_id"))
    op.drop_table("deadline_extensions")
    op.drop_table("questionnaire_questions")
    with op.batch_alter_table("questionnaires", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_questionnaires_group_id"))
    op.drop_table("questionnaires")
    with op.batch_alter_table("working_groups", schema=None) as batch_op:
        batch_op.drop_column("time_zone")
