"""The audit log: who did what, when, to whom. Written in the same transaction as the act."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from server.auth.principal import Principal
from server.groups.models import AuditEntry


def record(
    session: AsyncSession,
    actor: Principal | str,
    action: str,
    target: str,
    *,
    group_id: int | None,
    **details: Any,
) -> None:
    session.add(
        AuditEntry(
            group_id=group_id,
            actor=actor.actor if isinstance(actor, Principal) else actor,
            action=action,
            target=target,
            details=json.dumps(details, default=str, sort_keys=True),
        )
    )
