"""Authorship: the sender of every stored update, and each document's Yjs client ids

``document_updates.author_id`` names the person who sent an update (NULL: the
server, or an operator token). ``document_clients`` maps every Yjs client id seen
in a document to the person who first wrote with it; it is its own table, so the
map survives compaction (which deletes log rows). Updates stored before this
revision have no author: their characters stay unattributed.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 19:37:13.900539
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "document_clients",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.BigInteger(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("delegation", sa.String(length=200), nullable=True),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_document_clients_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_clients")),
        sa.UniqueConstraint(
            "document_id", "client_id", name=op.f("uq_document_clients_document_id")
        ),
    )
    with op.batch_alter_table("document_updates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("author_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("document_updates", schema=None) as batch_op:
        batch_op.drop_column("author_id")
    op.drop_table("document_clients")
