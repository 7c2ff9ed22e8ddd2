"""Wiring of issue 14's services (issue table, correspondence groups) and of the working
group's live topic ``/group|<gid>`` into the application (kept out of ``app.py``)."""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from server import keys
from server.auth.access import AccessPolicy
from server.auth.principal import Principal
from server.correspondence.service import CorrespondenceService
from server.errors import NotFound
from server.groups.models import WorkingGroup
from server.groups.service import AccessChange
from server.issuetable.answers import submitted_answer
from server.issuetable.live import GroupLive, GroupView, current_seq
from server.issuetable.service import IssueTableService
from server.live.events import LiveEvents
from server.live.hub import LiveHub
from server.paragraphs.base import GovernanceBase
from server.rooms.manager import RoomManager


def wire_inputs(
    app: web.Application,
    sessions: async_sessionmaker[AsyncSession],
    hub: LiveHub,
    events: LiveEvents,
    access: AccessPolicy,
    rooms: RoomManager,
    log: logging.Logger,
) -> None:
    live = GroupLive(hub)

    async def paragraph(document: str, ref: str) -> tuple[str, str]:
        doc = await rooms.document(document)
        if doc is None:
            raise NotFound(f"no document named {document!r}")
        found = GovernanceBase.resolve(doc, ref)
        return found.id, found.label

    issues = IssueTableService(sessions, live, log, submitted_answer, paragraph)
    correspondence = CorrespondenceService(sessions, live, log)
    app[keys.ISSUES] = issues
    app[keys.CORRESPONDENCE] = correspondence

    async def state(principal: Principal, group_id: int) -> dict[str, Any]:
        async with sessions() as db:
            table = await issues.state(db, group_id)
            groups = await correspondence.state(db, group_id)
            seq = await current_seq(db, group_id)
        return {
            "group_id": group_id,
            "seq": seq,
            "issues": table.model_dump(mode="json"),
            "correspondence": groups,
        }

    async def exists(group_id: int) -> bool:
        async with sessions() as db:
            return await db.get(WorkingGroup, group_id) is not None

    view = GroupView(access, live, state, exists)
    events.extend(view)

    async def access_changed(change: AccessChange) -> None:
        if change.person_id is not None:
            await view.access_changed(change.person_id)

    app[keys.GROUPS].on_access_changed(access_changed)
