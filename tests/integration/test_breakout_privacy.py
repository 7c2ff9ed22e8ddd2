"""A breakout's draft is private to the group's members unless its session says public.

Before: every breakout draft was public, so observers, followers and anonymous
followers of a publicly followed group read a closed breakout's draft over HTTP,
/ws, /yjs|<draft>, the follow namespace and GET .../follow.
"""

from __future__ import annotations

from typing import Any

import pytest

from client import FollowRefused, SessionClient
from crdt import schema
from server.rooms.manager import RoomManager
from tests.support.docs import server_change
from tests.support.groups import Api, Group, sio_refused, ws_refused
from tests.support.servers import RunningServer
from tests.support.sessions import live_session

SECRET = "Brazil's fallback position"


@pytest.fixture
def seed_text() -> None:
    """This module's group documents start empty."""
    return None


async def write_draft(rooms: RoomManager, document: str) -> None:
    """The breakout's draft, written server-side (clients may not write the index)."""

    def draft(doc: Any) -> None:
        with doc.transaction():
            schema.init_document(doc, title="Breakout A", kind="breakout")
            schema.add_paragraph(doc, schema.ParagraphSpec("OP1", "A", text=SECRET))

    await server_change(rooms, document, draft)


async def follow_refused(server: RunningServer, sid: int, token: str | None) -> str | None:
    try:
        async with SessionClient(server.url, sid, token):
            pass
    except FollowRefused as refused:
        return refused.code
    raise AssertionError(f"/session|{sid} was followed although its draft is private")


async def test_a_breakout_draft_is_private_by_default(
    server: RunningServer, api: Api, group: Group
) -> None:
    session = await live_session(api, group, "breakout", public_draft=None)
    sid, draft = session["id"], session["document"]
    await write_draft(server.rooms, draft)
    for role, code in (
        (None, "unauthenticated"),
        ("observer", "forbidden"),
        ("follower", "forbidden"),
    ):
        token = None if role is None else group.token(role)
        status = 401 if role is None else 403
        reply = await api.call("GET", f"/api/sessions/{sid}/follow", token)
        assert (reply.status, reply.code) == (status, code), role
        assert (await api.call("GET", f"/api/documents/{draft}", token)).status in (401, 403, 404)
        assert await sio_refused(server.url, draft, token) == code, role
        assert await ws_refused(server.ws_url, draft, token) == (4401 if role is None else 4403)
        assert await follow_refused(server, sid, token) == code, role
    # The group's members, captioner included, still follow and read it.
    for role in ("member", "captioner"):
        followed = await api.ok("GET", f"/api/sessions/{sid}/follow", group.token(role))
        assert SECRET in str(followed["draft"]), role
    async with SessionClient(server.url, sid, group.token("captioner")) as captioner:
        await captioner.draft_synced.wait()


async def test_a_breakout_created_public_is_followed_by_anyone(
    server: RunningServer, api: Api, group: Group
) -> None:
    session = await live_session(api, group, "breakout", public_draft=True)
    sid, draft = session["id"], session["document"]
    await write_draft(server.rooms, draft)
    anonymous = await api.ok("GET", f"/api/sessions/{sid}/follow")
    assert SECRET in str(anonymous["draft"])
    observer = await api.ok("GET", f"/api/sessions/{sid}/follow", group.token("observer"))
    assert SECRET in str(observer["draft"])
    async with SessionClient(server.url, sid) as follower:
        await follower.draft_synced.wait()


async def test_the_choice_is_stated_and_checked(api: Api, group: Group) -> None:
    meeting = await api.ok(
        "POST",
        group.path("/meetings"),
        group.token("chair"),
        {"number": 9, "title": "WGEC-9", "starts_on": "2017-01-26", "ends_on": "2017-01-27"},
    )
    path = f"/api/meetings/{meeting['id']}/sessions"
    body = {
        "kind": "breakout",
        "title": "Group A",
        "scheduled_start": "2017-01-26T10:00:00+01:00",
        "scheduled_end": "2017-01-26T13:00:00+01:00",
    }
    made = await api.ok("POST", path, group.token("chair"), body)
    assert made["public_draft"] is False
    documents = await api.ok("GET", group.path("/documents"), group.token("chair"))
    assert {d["name"]: d["public"] for d in documents["documents"]}[made["document"]] is False
    bad = await api.call("POST", path, group.token("chair"), {**body, "public_draft": "yes"})
    assert (bad.status, set(bad.fields)) == (422, {"public_draft"})
    plenary = {**body, "kind": "plenary", "document": group.document, "public_draft": True}
    refused = await api.call("POST", path, group.token("chair"), plenary)
    assert (refused.status, set(refused.fields)) == (422, {"public_draft"})
