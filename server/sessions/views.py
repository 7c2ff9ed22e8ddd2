"""HTTP API of meetings, sessions, stream links and transcripts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from aiohttp import web

from crdt import schema, updates
from crdt.captions import NOTICE
from server.auth.credentials import request_token
from server.auth.principal import Principal
from server.edge.bodies import BULK_BODY_LIMIT, body_limit, read_text
from server.errors import NotFound, Unauthenticated
from server.keys import ACCESS, ROOMS, SESSIONS, TRANSCRIPTS
from server.sessions.models import (
    SESSION_KINDS,
    STREAM_KINDS,
    STREAM_LANGUAGES,
    STREAM_MODES,
    Session,
)
from server.sessions.transcript import parse_segments
from server.validation import Fields, ValidationFailed
from server.views.common import body, caller, path_id, signed_in


async def _session_reader(request: web.Request, session_id: int) -> tuple[Session, Principal]:
    """A session and its reader: whoever may read the session's draft document."""
    session = await request.app[SESSIONS].load(session_id)
    grant = await request.app[ACCESS].open_document(request_token(request), session.document)
    return session, grant.principal


async def _reader(request: web.Request, group_id: int) -> Principal:
    """The caller, or an anonymous follower when the group follows publicly."""
    principal = await caller(request)
    if principal is None:
        if not await request.app[ACCESS].group_is_public(group_id):
            raise Unauthenticated("this working group is not public: sign in")
        principal = Principal.anonymous_follower(group_id)
    return principal


def _date(f: Fields, name: str) -> date | None:
    value = f.text(name, max_len=10)
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        f.error(name, "must be a date YYYY-MM-DD")
        return None


def _datetime(f: Fields, name: str) -> datetime | None:
    value = f.text(name, max_len=40)
    try:
        parsed = datetime.fromisoformat(value) if value else None
    except ValueError:
        f.error(name, "must be an ISO 8601 date-time with a time zone")
        return None
    if parsed is not None and parsed.tzinfo is None:
        f.error(name, "must include a time zone (e.g. +01:00 or Z)")
    return parsed


async def meetings(request: web.Request) -> web.Response:
    gid = path_id(request, "gid")
    service = request.app[SESSIONS]
    if request.method == "GET":
        return web.json_response(
            {"meetings": await service.list_meetings(await _reader(request, gid), gid)}
        )
    actor = await signed_in(request)
    f = await body(request)
    number, title = f.integer("number", maximum=1000), f.text("title")
    venue = f.text("venue", required=False, default="")
    starts_on, ends_on = _date(f, "starts_on"), _date(f, "ends_on")
    if starts_on and ends_on and ends_on < starts_on:
        f.error("ends_on", "a meeting cannot end before it starts")
    f.check()
    assert number and title and starts_on and ends_on
    created = await service.create_meeting(
        actor,
        gid,
        number=number,
        title=title,
        venue=venue or "",
        starts_on=starts_on,
        ends_on=ends_on,
    )
    return web.json_response(created, status=201)


async def sessions(request: web.Request) -> web.Response:
    mid = path_id(request, "mid")
    service = request.app[SESSIONS]
    if request.method == "GET":
        reader = await _reader(request, await service.meeting_group_id(mid))
        return web.json_response({"sessions": await service.list_sessions(reader, mid)})
    actor = await signed_in(request)
    f = await body(request)
    kind, title = f.choice("kind", SESSION_KINDS), f.text("title")
    start, end = _datetime(f, "scheduled_start"), _datetime(f, "scheduled_end")
    lead = f.integer("lead_delegation_id", required=False)
    document = f.text("document", required=False, max_len=128)
    public_draft = f.boolean("public_draft", default=False)
    f.check()
    assert kind and title and start and end
    created = await service.create_session(
        actor,
        mid,
        kind=kind,
        title=title,
        scheduled_start=start,
        scheduled_end=end,
        lead_delegation_id=lead,
        document=document,
        public_draft=public_draft,
    )
    return web.json_response(created, status=201)


async def session(request: web.Request) -> web.Response:
    sid = path_id(request, "sid")
    _, reader = await _session_reader(request, sid)
    return web.json_response(await request.app[SESSIONS].get(reader, sid))


async def status(request: web.Request) -> web.Response:
    actor = await signed_in(request)
    f = await body(request)
    to = f.choice("status", ("live", "ended"))
    f.check()
    assert to
    return web.json_response(
        await request.app[SESSIONS].transition(actor, path_id(request, "sid"), to)
    )


async def transitions(request: web.Request) -> web.Response:
    sid = path_id(request, "sid")
    service = request.app[SESSIONS]
    _, reader = await _session_reader(request, sid)
    return web.json_response({"transitions": await service.transitions(reader, sid)})


async def versions(request: web.Request) -> web.Response:
    sid = path_id(request, "sid")
    service = request.app[SESSIONS]
    _, reader = await _session_reader(request, sid)
    return web.json_response({"versions": await service.versions(reader, sid)})


def _stream_values(f: Fields, partial: bool) -> dict[str, str]:
    values = {
        "kind": f.choice("kind", STREAM_KINDS, required=not partial),
        "language": f.choice("language", STREAM_LANGUAGES, required=not partial),
        "url": f.text("url", max_len=2000, required=not partial),
        "mode": f.choice("mode", STREAM_MODES, required=not partial),
    }
    url = values["url"]
    if url is not None and not url.startswith(("https://", "http://", "rtmp://", "srt://")):
        f.error("url", "must be an http(s), rtmp or srt URL")
    f.check()
    return {k: v for k, v in values.items() if v is not None}


async def streams(request: web.Request) -> web.Response:
    actor, sid = await signed_in(request), path_id(request, "sid")
    values = _stream_values(await body(request), partial=False)
    links = await request.app[SESSIONS].set_stream(actor, sid, values=values)
    return web.json_response({"streams": links}, status=201)


async def stream(request: web.Request) -> web.Response:
    actor, sid, lid = await signed_in(request), path_id(request, "sid"), path_id(request, "lid")
    values = None if request.method == "DELETE" else _stream_values(await body(request), True)
    links = await request.app[SESSIONS].set_stream(actor, sid, link_id=lid, values=values)
    return web.json_response({"streams": links})


@body_limit(BULK_BODY_LIMIT)  # a caption feeder's backlog of segments
async def transcript(request: web.Request) -> web.Response:
    sid = path_id(request, "sid")
    if request.method == "GET":
        await _session_reader(request, sid)
        segments, upto = await request.app[TRANSCRIPTS].history(sid)
        return web.json_response({"notice": NOTICE, "segments": segments, "upto": upto})
    actor = await signed_in(request)
    f = await body(request)
    raw = f.raw("segments")
    if not isinstance(raw, list) or not raw:
        raise ValidationFailed({"segments": "a non-empty list of segments"})
    stored = await request.app[TRANSCRIPTS].append(actor, sid, parse_segments({"segments": raw}))
    return web.json_response({"segments": stored}, status=201)


async def correct(request: web.Request) -> web.Response:
    actor, sid, seg = await signed_in(request), path_id(request, "sid"), path_id(request, "seg")
    f = await body(request)
    text, speaker = f.text("text", max_len=5000), f.text("speaker", required=False)
    f.check()
    assert text
    corrected = await request.app[TRANSCRIPTS].correct(actor, sid, seg, text=text, speaker=speaker)
    return web.json_response(corrected)


EXPORTS = {"vtt": "text/vtt", "srt": "application/x-subrip", "txt": "text/plain"}


async def export(request: web.Request) -> web.Response:
    sid, fmt = path_id(request, "sid"), request.match_info["fmt"]
    if fmt not in EXPORTS:
        raise NotFound("export as .vtt, .srt or .txt")
    await _session_reader(request, sid)
    body = await request.app[TRANSCRIPTS].export(sid, fmt)
    return web.Response(text=body, content_type=EXPORTS[fmt], charset="utf-8")


@body_limit(BULK_BODY_LIMIT)  # a day of captions as WebVTT
async def import_file(request: web.Request) -> web.Response:
    actor, sid = await signed_in(request), path_id(request, "sid")
    text = await read_text(request)
    stored = await request.app[TRANSCRIPTS].import_file(actor, sid, text)
    return web.json_response({"segments": stored, "count": len(stored)}, status=201)


async def follow(request: web.Request) -> web.Response:
    """Everything about a session in one call; live updates on Socket.IO /session|<id>."""
    sid = path_id(request, "sid")
    service = request.app[SESSIONS]
    loaded, reader = await _session_reader(request, sid)
    info = await service.get(reader, sid)
    segments, upto = await request.app[TRANSCRIPTS].history(sid)
    doc = await request.app[ROOMS].document(loaded.document)
    draft = schema.to_plain(doc if doc is not None else updates.new_doc())
    return web.json_response(
        {
            "session": info,
            "streams": info["streams"],
            "draft": draft,
            "transcript": {"notice": NOTICE, "segments": segments, "upto": upto},
            "live": {"socketio_namespace": f"/session|{sid}"},
        }
    )


async def search(request: web.Request) -> web.Response:
    gid = path_id(request, "gid")
    reader = await _reader(request, gid)
    results = await request.app[TRANSCRIPTS].search(reader, gid, request.query.get("q", ""))
    return web.json_response({"notice": NOTICE, "results": results})


def routes() -> list[web.RouteDef]:
    s = "/api/sessions/{sid}"
    table: list[tuple[str, str, Any]] = [
        ("GET", "/api/groups/{gid}/meetings", meetings),
        ("POST", "/api/groups/{gid}/meetings", meetings),
        ("GET", "/api/groups/{gid}/transcripts/search", search),
        ("GET", "/api/meetings/{mid}/sessions", sessions),
        ("POST", "/api/meetings/{mid}/sessions", sessions),
        ("GET", s, session),
        ("POST", s + "/status", status),
        ("GET", s + "/transitions", transitions),
        ("GET", s + "/versions", versions),
        ("POST", s + "/streams", streams),
        ("PATCH", s + "/streams/{lid}", stream),
        ("DELETE", s + "/streams/{lid}", stream),
        ("GET", s + "/transcript", transcript),
        ("POST", s + "/transcript", transcript),
        ("PATCH", s + "/transcript/{seg}", correct),
        ("POST", s + "/transcript/import", import_file),
        ("GET", s + "/transcript.{fmt}", export),
        ("GET", s + "/follow", follow),
    ]
    return [web.route(method, path, handler) for method, path, handler in table]
