"""Revisions: versions numbered per document, their kind and paragraph count

Existing versions were all frozen at a session's end: they are numbered per
document in the order they were made, kind ``session_end``, and their paragraphs
counted from their stored state.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 22:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _count(state: bytes) -> int:
    """Paragraphs not deleted in a stored state (0 if it cannot be read)."""
    try:
        from crdt import schema, updates

        doc = updates.doc_from_updates([state])
        return sum(1 for p in schema.paragraph_records(doc) if not p.deleted)
    except Exception:  # a version must never block the upgrade
        return 0


def upgrade() -> None:
    with op.batch_alter_table("document_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("number", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), nullable=False, server_default="session_end")
        )
        batch_op.add_column(
            sa.Column("paragraphs", sa.Integer(), nullable=False, server_default="0")
        )
    bind = op.get_bind()
    table = sa.table(
        "document_versions",
        sa.column("id", sa.Integer()),
        sa.column("document", sa.String()),
        sa.column("number", sa.Integer()),
        sa.column("paragraphs", sa.Integer()),
        sa.column("state", sa.LargeBinary()),
    )
    rows: list[Any] = list(
        bind.execute(sa.select(table.c.id, table.c.document).order_by(table.c.id))
    )
    numbers: dict[str, int] = {}
    for version_id, document in rows:
        numbers[document] = numbers.get(document, 0) + 1
        state = bind.execute(sa.select(table.c.state).where(table.c.id == version_id)).scalar()
        bind.execute(
            table.update()
            .where(table.c.id == version_id)
            .values(number=numbers[document], paragraphs=_count(bytes(state or b"")))
        )
    with op.batch_alter_table("document_versions", schema=None) as batch_op:
        batch_op.alter_column("number", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("kind", server_default=None, existing_type=sa.String(length=16))
        batch_op.alter_column("paragraphs", server_default=None, existing_type=sa.Integer())
        batch_op.create_unique_constraint(
            batch_op.f("uq_document_versions_document"), ["document", "number"]
        )


def downgrade() -> None:
    with op.batch_alter_table("document_versions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_document_versions_document"), type_="unique")
        batch_op.drop_column("paragraphs")
        batch_op.drop_column("kind")
        batch_op.drop_column("number")
