"""Working groups: seats, delegations, people, observers, invitations, documents, audit

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 11:01:03.107994
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "working_groups",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("mandate", sa.Text(), nullable=False),
        sa.Column("public_follow", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_working_groups")),
        sa.UniqueConstraint("slug", name=op.f("uq_working_groups_slug")),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["working_groups.id"],
            name=op.f("fk_audit_log_group_id_working_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_group_id"), ["group_id"], unique=False)

    op.create_table(
        "group_documents",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_group_documents_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["working_groups.id"],
            name=op.f("fk_group_documents_group_id_working_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("document_id", name=op.f("pk_group_documents")),
    )
    with op.batch_alter_table("group_documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_group_documents_group_id"), ["group_id"], unique=False)

    op.create_table(
        "stakeholder_groups",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["working_groups.id"],
            name=op.f("fk_stakeholder_groups_group_id_working_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stakeholder_groups")),
        sa.UniqueConstraint("group_id", "key", name=op.f("uq_stakeholder_groups_group_id")),
    )
    with op.batch_alter_table("stakeholder_groups", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_stakeholder_groups_group_id"), ["group_id"], unique=False
        )

    op.create_table(
        "delegations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("stakeholder_group_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["working_groups.id"],
            name=op.f("fk_delegations_group_id_working_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["stakeholder_group_id"],
            ["stakeholder_groups.id"],
            name=op.f("fk_delegations_stakeholder_group_id_stakeholder_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delegations")),
        sa.UniqueConstraint("group_id", "name", name=op.f("uq_delegations_group_id")),
    )
    with op.batch_alter_table("delegations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delegations_group_id"), ["group_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_delegations_stakeholder_group_id"),
            ["stakeholder_group_id"],
            unique=False,
        )

    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("delegation_id", sa.Integer(), nullable=True),
        sa.Column("organization", sa.String(length=200), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("token_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["delegation_id"],
            ["delegations.id"],
            name=op.f("fk_people_delegation_id_delegations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["working_groups.id"],
            name=op.f("fk_people_group_id_working_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
    )
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_people_delegation_id"), ["delegation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_people_group_id"), ["group_id"], unique=False)

    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["working_groups.id"],
            name=op.f("fk_invitations_group_id_working_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_invitations_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_invitations_code_hash")),
    )
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invitations_group_id"), ["group_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_invitations_person_id"), ["person_id"], unique=False)

    op.create_table(
        "observer_requests",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("organization", sa.String(length=200), nullable=False),
        sa.Column("ecosoc_status", sa.String(length=16), nullable=False),
        sa.Column("contact_name", sa.String(length=200), nullable=False),
        sa.Column("contact_email", sa.String(length=320), nullable=False),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("meeting_ref", sa.String(length=200), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["working_groups.id"],
            name=op.f("fk_observer_requests_group_id_working_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_observer_requests_person_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_observer_requests")),
    )
    with op.batch_alter_table("observer_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_observer_requests_group_id"), ["group_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("observer_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_observer_requests_group_id"))

    op.drop_table("observer_requests")
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invitations_person_id"))
        batch_op.drop_index(batch_op.f("ix_invitations_group_id"))

    op.drop_table("invitations")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_people_group_id"))
        batch_op.drop_index(batch_op.f("ix_people_delegation_id"))

    op.drop_table("people")
    with op.batch_alter_table("delegations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delegations_stakeholder_group_id"))
        batch_op.drop_index(batch_op.f("ix_delegations_group_id"))

    op.drop_table("delegations")
    with op.batch_alter_table("stakeholder_groups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stakeholder_groups_group_id"))

    op.drop_table("stakeholder_groups")
    with op.batch_alter_table("group_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_documents_group_id"))

    op.drop_table("group_documents")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_group_id"))

    op.drop_table("audit_log")
    op.drop_table("working_groups")
