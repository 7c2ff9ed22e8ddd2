"""Meetings and sessions over the HTTP API, and captioned segments, for the tests.

The client that follows a session is ``client.SessionClient``.
"""

from __future__ import annotations

from typing import Any

from tests.support.groups import Api, Group, Reply


def segment(key: str, text: str, start_ms: int, end_ms: int | None = None, **extra: Any) -> Any:
    """A segment as a captioner sends it."""
    return {
        "client_key": key,
        "text": text,
        "start_ms": start_ms,
        "end_ms": start_ms + 2000 if end_ms is None else end_ms,
        **extra,
    }


async def new_meeting(api: Api, group: Group, number: int = 1, **body: Any) -> dict[str, Any]:
    """A meeting of ``group``, created by its secretariat."""
    payload = {
        "number": number,
        "title": f"WGEC-{number}",
        "venue": "Palais des Nations, Geneva",
        "starts_on": "2017-01-26",
        "ends_on": "2017-01-27",
        **body,
    }
    made: dict[str, Any] = await api.ok(
        "POST", group.path("/meetings"), group.token("secretariat"), payload
    )
    return made


def session_body(kind: str = "breakout", **body: Any) -> dict[str, Any]:
    """A session to create. Drafts are public here, as the tests follow sessions as
    followers and anonymously; ``public_draft=None`` leaves the server's default
    (private, see test_breakout_privacy)."""
    made = {
        "kind": kind,
        "title": f"{kind.title()} on enhanced cooperation",
        "scheduled_start": "2017-01-26T10:00:00+01:00",
        "scheduled_end": "2017-01-26T13:00:00+01:00",
        **({} if kind == "plenary" else {"public_draft": True}),
        **body,
    }
    return {key: value for key, value in made.items() if value is not None}


async def new_session(
    api: Api, meeting: dict[str, Any], token: str, kind: str = "breakout", **body: Any
) -> dict[str, Any]:
    made: dict[str, Any] = await api.ok(
        "POST", f"/api/meetings/{meeting['id']}/sessions", token, session_body(kind, **body)
    )
    return made


async def set_status(api: Api, session_id: int, token: str, status: str) -> Reply:
    return await api.call("POST", f"/api/sessions/{session_id}/status", token, {"status": status})


async def live_session(
    api: Api, group: Group, kind: str = "breakout", number: int = 1, **body: Any
) -> dict[str, Any]:
    """A new meeting with one session of ``kind``, already live."""
    meeting = await new_meeting(api, group, number)
    made = await new_session(api, meeting, group.token("secretariat"), kind, **body)
    went = await set_status(api, made["id"], group.token("chair"), "live")
    assert went.status == 200, went.body
    live: dict[str, Any] = went.body
    return live
