"""Versions keep the group's context (meetings, sessions, participation) frozen with them

A version's report describes the group's meetings and participants as they were when
the version was made. Meetings and sessions carry no creation time, so computing that
"as of" later would let a meeting entered afterwards (dated before the version) into
the version's report; the freeze path now stores the context with the version.
Existing versions keep NULL: their reports compute the context as before.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 23:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("document_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("context", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("document_versions", schema=None) as batch_op:
        batch_op.drop_column("context")
