"""Issue table (items, sources, citations), correspondence groups, group event counter

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29 22:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
# The integrator re-chains this after 0011_questionnaires.
down_revision: str | None = "0011"
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
    op.create_table(
        "group_event_seq",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        _fk("group_event_seq", "group_id", "working_groups", "CASCADE"),
        sa.PrimaryKeyConstraint("group_id", name=op.f("pk_group_event_seq")),
    )
    op.create_table(
        "issue_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("issue", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=200), nullable=False),
        sa.Column("grouping", sa.String(length=1), nullable=True),
        sa.Column("activities", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=200), nullable=False),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("issue_items", "group_id", "working_groups", "CASCADE"),
        _fk("issue_items", "merged_into_id", "issue_items", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issue_items")),
        sa.UniqueConstraint("group_id", "number", name=op.f("uq_issue_items_group_id")),
    )
    _index("issue_items", "group_id", "merged_into_id")
    op.create_table(
        "issue_item_sources",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.Integer(), nullable=False),
        sa.Column("exact", sa.Text(), nullable=False),
        sa.Column("prefix", sa.Text(), nullable=False),
        sa.Column("suffix", sa.Text(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("issue_item_sources", "item_id", "issue_items", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issue_item_sources")),
    )
    _index("issue_item_sources", "item_id", "response_id")
    op.create_table(
        "issue_item_citations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("paragraph_id", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("by", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        _fk("issue_item_citations", "item_id", "issue_items", "CASCADE"),
        _fk("issue_item_citations", "document_id", "documents", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issue_item_citations")),
        sa.UniqueConstraint(
            "item_id", "document_id", "paragraph_id", name=op.f("uq_issue_item_citations_item_id")
        ),
    )
    _index("issue_item_citations", "item_id", "document_id")
    op.create_table(
        "correspondence_groups",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("terms_document_id", sa.Integer(), nullable=False),
        sa.Column("chair_person_id", sa.Integer(), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("report_document_id", sa.Integer(), nullable=True),
        sa.Column("compilation_document_id", sa.Integer(), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("correspondence_groups", "group_id", "working_groups", "CASCADE"),
        _fk("correspondence_groups", "terms_document_id", "documents", "RESTRICT"),
        _fk("correspondence_groups", "chair_person_id", "people", "SET NULL"),
        _fk("correspondence_groups", "report_document_id", "documents", "SET NULL"),
        _fk("correspondence_groups", "compilation_document_id", "documents", "SET NULL"),
        _fk("correspondence_groups", "meeting_id", "meetings", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_correspondence_groups")),
    )
    _index("correspondence_groups", "group_id")
    op.create_table(
        "correspondence_members",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("correspondence_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        _fk("correspondence_members", "correspondence_id", "correspondence_groups", "CASCADE"),
        _fk("correspondence_members", "person_id", "people", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_correspondence_members")),
        sa.UniqueConstraint(
            "correspondence_id",
            "person_id",
            name=op.f("uq_correspondence_members_correspondence_id"),
        ),
    )
    _index("correspondence_members", "correspondence_id")
    op.create_table(
        "mapping_areas",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("correspondence_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("area", sa.Text(), nullable=False),
        sa.Column("mechanisms", sa.Text(), nullable=False),
        sa.Column("gaps", sa.Text(), nullable=False),
        sa.Column("contributions", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _fk("mapping_areas", "correspondence_id", "correspondence_groups", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mapping_areas")),
        sa.UniqueConstraint(
            "correspondence_id", "number", name=op.f("uq_mapping_areas_correspondence_id")
        ),
    )
    _index("mapping_areas", "correspondence_id")


def downgrade() -> None:
    for table in (
        "mapping_areas",
        "correspondence_members",
        "correspondence_groups",
        "issue_item_citations",
        "issue_item_sources",
        "issue_items",
        "group_event_seq",
    ):
        op.drop_table(table)
