"""Ids past their column's range, and text no database can store, get coded errors.

Before: a path id of 2**63 on SQLite or 2**31 on PostgreSQL was a 500; Socket.IO
comment events with such an id or with a lone surrogate got no reply at all; and
``/session|99999999999999999999`` was refused with no error payload.
"""

from __future__ import annotations

from typing import Any

import pytest

from client import DocumentClient, FollowRefused, SessionClient
from tests.support.groups import Api, Group, build_group
from tests.support.servers import RunningServer
from tests.support.sessions import live_session

HUGE = ("2147483648", "9223372036854775808", "99999999999999999999", "-1", "0", "1_0", "%D9%A3")


def paths(group: Group, sid: int) -> list[tuple[str, str]]:
    """Every kind of id a route takes, each replaced by ``{x}``."""
    g, s, doc = group.path(), f"/api/sessions/{sid}", group.document
    return [
        ("GET", "/api/groups/{x}"),
        ("GET", "/api/groups/{x}/people"),
        ("GET", "/api/groups/{x}/meetings"),
        ("GET", "/api/groups/{x}/transcripts/search?q=cooperation"),
        ("GET", "/api/groups/{x}/comments/queue"),
        ("DELETE", g + "/invitations/{x}"),
        ("GET", "/api/meetings/{x}/sessions"),
        ("GET", "/api/sessions/{x}"),
        ("GET", "/api/sessions/{x}/follow"),
        ("GET", "/api/sessions/{x}/versions"),
        ("GET", "/api/sessions/{x}/transcript.vtt"),
        ("DELETE", s + "/streams/{x}"),
        ("GET", f"/api/documents/{doc}/comments/{{x}}"),
    ]


async def check_path_ids(server: RunningServer) -> None:
    async with Api.open(server.url) as api:
        group = await build_group(api, server.token("chair", "op"), seed_text=None)
        session = await live_session(api, group)
        for method, template in paths(group, session["id"]):
            for value in HUGE:
                path = template.replace("{x}", value)
                reply = await api.call(method, path, group.token("chair"))
                assert (reply.status, reply.code) == (404, "not_found"), (method, path, reply)


async def test_path_ids_past_the_column_range_are_404(server: RunningServer) -> None:
    await check_path_ids(server)


@pytest.mark.postgres
async def test_path_ids_past_the_column_range_are_404_on_postgres(
    pg_server: RunningServer,
) -> None:
    await check_path_ids(pg_server)


@pytest.fixture
def seed_text() -> None:
    """This module's group documents start empty."""
    return None


@pytest.mark.parametrize(
    ("event", "data", "code"),
    [
        ("comment-create", {"body": "\ud800 lone surrogate"}, "validation_failed"),
        (
            "comment-create",
            {"body": "ok", "anchor": {"paragraph_id": "\udfff"}},
            "validation_failed",
        ),
        ("comment-reply", {"parent_id": 2**70, "body": "hi"}, "not_found"),
        ("comment-edit", {"id": 2**63, "body": "hi"}, "not_found"),
        ("comment-resolve", {"id": 2**63}, "not_found"),
        ("comment-delete", {"id": 10**20}, "not_found"),
        ("comment-delete", {"id": "\ud800"}, "not_found"),
        ("comment-flag", {"id": 2**63, "reason": "spam"}, "not_found"),
        (
            "comment-decide",
            {"ids": [2**63], "decision": "approved", "meeting": "m"},
            "validation_failed",
        ),
    ],
)
async def test_every_comment_event_answers_a_coded_error(
    server: RunningServer, group: Group, event: str, data: dict[str, Any], code: str
) -> None:
    async with DocumentClient(server.url, group.document, group.token("chair")) as chair:
        answer = await chair.send_raw(event, data)
        assert answer["error"]["code"] == code, answer
        assert chair.sio.connected
        listed = await chair.send_raw("comment-list", {})
        assert listed["comments"] == []


async def test_a_session_namespace_past_the_range_is_refused_with_a_code(
    server: RunningServer,
) -> None:
    for key in ("99999999999999999999", "2147483648", "-3", "abc"):
        with pytest.raises(FollowRefused) as refused:
            async with SessionClient(server.url, key):
                pass
        assert refused.value.code == "not_found", key


async def test_a_transcript_correction_of_a_huge_segment_id_is_a_coded_error(
    server: RunningServer, group: Group
) -> None:
    async with Api.open(server.url) as api:
        session = await live_session(api, group)
    async with SessionClient(server.url, session["id"], group.token("captioner")) as captioner:
        answer = await captioner.call("transcript-correct", {"id": 2**63, "text": "x"})
        assert answer["error"]["code"] == "not_found", answer
