"""Invitations: first redemption time (single-use links) and the person's token version

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("redeemed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("person_version", sa.Integer(), nullable=True))
    # Links issued before this revision belong to the person's current version: the
    # next revocation ends them (earlier ones had no version to compare).
    op.execute(
        "UPDATE invitations SET person_version = "
        "(SELECT people.token_version FROM people WHERE people.id = invitations.person_id)"
    )
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.alter_column("person_version", existing_type=sa.Integer(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_column("person_version")
        batch_op.drop_column("redeemed_at")
