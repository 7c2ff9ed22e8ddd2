"""OpenAPI paths and schemas of meetings, sessions, stream links and transcripts.

The routes are those of ``server.sessions.views.routes``; enumerations come from
``server.sessions.models`` so the document cannot drift from what is enforced.
The live side of a session (status, stream links, transcript, read-only draft)
is the Socket.IO namespace ``/session|<id>``, described in ``LIVE_DESCRIPTION``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from server.sessions.models import (
    SESSION_KINDS,
    SESSION_STATUSES,
    STREAM_KINDS,
    STREAM_LANGUAGES,
    STREAM_MODES,
)
from server.views.openapi_schemas import (
    DATETIME,
    ID,
    INTEGER,
    STRING,
    Schema,
    array_of,
    nullable,
    obj,
    ref,
    text,
)

Operation = Callable[..., dict[str, Any]]
PathParam = Callable[..., dict[str, Any]]

TAGS = ("meetings", "sessions", "transcripts")
LIVE_DESCRIPTION = (
    " A session is followed live on the Socket.IO namespace `/session|<id>`: the server "
    "sends session-state, then transcript-history {segments, upto}, then live events "
    "(transcript-segment, transcript-correction, stream-links, session-status) and the "
    "session's draft, read-only, through the usual sync events; a captioner sends "
    "transcript-append {segments} and transcript-correct {id, text} with an ack."
)
EXPORT_TYPES = {"vtt": "text/vtt", "srt": "application/x-subrip", "txt": "text/plain"}
NOTICE_SCHEMA: Schema = {"type": "string", "description": "the transcript is not authoritative"}
DATE: Schema = {"type": "string", "format": "date"}
MILLISECONDS: Schema = {"type": "integer", "minimum": 0, "description": "from the session start"}


def _enum(values: tuple[str, ...], description: str | None = None) -> Schema:
    schema: Schema = {"type": "string", "enum": list(values)}
    if description:
        schema["description"] = description
    return schema


def _streams() -> dict[str, Schema]:
    url = {
        "type": "string",
        "maxLength": 2000,
        "pattern": "^(https?|rtmp|srt)://",
        "description": "an http(s), rtmp or srt URL",
    }
    fields = {
        "kind": ref("StreamKind"),
        "language": ref("StreamLanguage"),
        "url": url,
        "mode": ref("StreamMode"),
    }
    return {
        "StreamKind": _enum(STREAM_KINDS),
        "StreamLanguage": _enum(STREAM_LANGUAGES, "floor, or a UN official language"),
        "StreamMode": _enum(STREAM_MODES),
        "StreamLink": obj(("id", *fields), id=INTEGER, **fields),
        "StreamLinkCreate": obj(tuple(fields), **fields),
        "StreamLinkUpdate": obj((), **fields),
        "StreamLinks": obj(("streams",), streams=array_of("StreamLink")),
    }


def _sessions() -> dict[str, Schema]:
    return {
        "SessionKind": _enum(
            SESSION_KINDS, "a plenary works on a group document; other kinds get their own draft"
        ),
        "SessionStatus": _enum(SESSION_STATUSES, "scheduled -> live -> ended"),
        "Meeting": obj(
            ("id", "group_id", "number", "title", "venue", "starts_on", "ends_on"),
            id=INTEGER,
            group_id=INTEGER,
            number=INTEGER,
            title=STRING,
            venue=STRING,
            starts_on=DATE,
            ends_on=DATE,
        ),
        "MeetingCreate": obj(
            ("number", "title", "starts_on", "ends_on"),
            number={"type": "integer", "minimum": 1, "maximum": 1000},
            title=text(),
            venue=text(),
            starts_on=DATE,
            ends_on={**DATE, "description": "not before starts_on"},
        ),
        "MeetingSession": obj(
            (
                "id",
                "meeting_id",
                "group_id",
                "kind",
                "title",
                "lead_delegation_id",
                "scheduled_start",
                "scheduled_end",
                "status",
                "document",
            ),
            id=INTEGER,
            meeting_id=INTEGER,
            group_id=INTEGER,
            kind=ref("SessionKind"),
            title=STRING,
            lead_delegation_id=nullable("integer"),
            scheduled_start=DATETIME,
            scheduled_end=DATETIME,
            status=ref("SessionStatus"),
            document={"type": "string", "description": "the draft this session works on"},
            streams={**array_of("StreamLink"), "description": "single session only"},
            public_draft={
                "type": "boolean",
                "description": "in the creation answer: whether followers and observers "
                "may read the draft (and so follow the session)",
            },
        ),
        "MeetingSessionCreate": obj(
            ("kind", "title", "scheduled_start", "scheduled_end"),
            kind=ref("SessionKind"),
            title=text(),
            scheduled_start={**DATETIME, "description": "with a time zone"},
            scheduled_end={**DATETIME, "description": "with a time zone, after the start"},
            lead_delegation_id={**ID, "description": "a delegation of the group"},
            document=text(128, description="plenary only: an existing group document"),
            public_draft={
                "type": "boolean",
                "default": False,
                "description": "not plenary: let followers and observers (and anonymous "
                "followers of a publicly followed group) read the draft and follow the "
                "session; by default the draft is private to the group's members",
            },
        ),
        "SessionStatusChange": obj(("status",), status=_enum(("live", "ended"))),
        "SessionTransition": obj(
            ("from", "to", "by", "at"),
            **{"from": ref("SessionStatus")},
            to=ref("SessionStatus"),
            by=STRING,
            at=DATETIME,
        ),
        "DraftVersion": obj(
            ("id", "document", "label", "created_by", "created_at", "bytes"),
            id=INTEGER,
            document=STRING,
            label=STRING,
            created_by=STRING,
            created_at=DATETIME,
            bytes={"type": "integer", "description": "size of the frozen Yjs update"},
        ),
    }


def _transcripts() -> dict[str, Schema]:
    segment = obj(
        (
            "id",
            "session_id",
            "speaker",
            "delegation",
            "start_ms",
            "end_ms",
            "language",
            "text",
            "revision",
            "updated_at",
        ),
        id={"type": "integer", "description": "orders the session's transcript"},
        session_id=INTEGER,
        speaker=STRING,
        delegation=STRING,
        start_ms=MILLISECONDS,
        end_ms=MILLISECONDS,
        language=STRING,
        text=STRING,
        revision={"type": "integer", "minimum": 1, "description": "1, plus one per correction"},
        updated_at=DATETIME,
    )
    segment_in = obj(
        ("client_key", "text", "start_ms", "end_ms"),
        client_key=text(description="idempotency key: a resend returns the stored segment"),
        text=text(5000),
        start_ms=MILLISECONDS,
        end_ms={**MILLISECONDS, "description": "not before start_ms"},
        speaker=STRING,
        delegation=STRING,
        language={"type": "string", "default": "floor"},
    )
    segments = {"type": "array", "items": ref("TranscriptSegment")}
    return {
        "TranscriptSegment": segment,
        "TranscriptSegmentIn": segment_in,
        "TranscriptAppend": obj(
            ("segments",),
            segments={"type": "array", "minItems": 1, "items": ref("TranscriptSegmentIn")},
        ),
        "TranscriptSegments": obj(("segments",), segments=segments),
        "TranscriptImported": obj(("segments", "count"), segments=segments, count=INTEGER),
        "SegmentCorrection": obj(("text",), text=text(5000), speaker=text()),
        "Transcript": obj(
            ("notice", "segments", "upto"),
            notice=NOTICE_SCHEMA,
            segments=segments,
            upto={"type": "integer", "description": "highest segment id so far (0 if none)"},
        ),
        "TranscriptSearchHit": {
            "allOf": [ref("TranscriptSegment"), obj(("session_title",), session_title=STRING)]
        },
        "TranscriptSearch": obj(
            ("notice", "results"),
            notice=NOTICE_SCHEMA,
            results={"type": "array", "items": ref("TranscriptSearchHit")},
        ),
        "SessionFollow": obj(
            ("session", "streams", "draft", "transcript", "live"),
            session=ref("MeetingSession"),
            streams=array_of("StreamLink"),
            draft=ref("DocumentContent"),
            transcript=ref("Transcript"),
            live=obj(
                ("socketio_namespace",),
                socketio_namespace={"type": "string", "examples": ["/session|12"]},
            ),
        ),
    }


def _listing(key: str, item: str) -> Schema:
    return obj((key,), **{key: array_of(item)})


SESSION_SCHEMAS: dict[str, Schema] = {**_streams(), **_sessions(), **_transcripts()}


# (method, path under /api, summary, tag, (status, description, schema), errors, options)
# options: "public" (anonymous callers of groups with public follow), "body", "notes".
_READ, _WRITE = "401 403 404", "400 401 403 404 422"
_NOT_LIVE = {"409": "The session is not live (`invalid_transition`)"}
_S = "/sessions/{sid}"
_TABLE: list[tuple[str, str, str, str, tuple[str, str, Schema | None], str, dict[str, Any]]] = [
    ("get", "/groups/{gid}/meetings", "The group's meetings, by number", "meetings",
     ("200", "The meetings", _listing("meetings", "Meeting")), _READ, {"public": True}),
    ("post", "/groups/{gid}/meetings", "Create a meeting (chair, secretariat)", "meetings",
     ("201", "Created", ref("Meeting")), _WRITE, {"body": "MeetingCreate"}),
    ("get", "/groups/{gid}/transcripts/search", "Search every transcript of the group",
     "transcripts", ("200", "Matching segments, oldest first (at most 50)",
                     ref("TranscriptSearch")), _READ + " 422", {"public": True}),
    ("get", "/meetings/{mid}/sessions", "The meeting's sessions, by scheduled start", "sessions",
     ("200", "The sessions", _listing("sessions", "MeetingSession")), _READ, {}),
    ("post", "/meetings/{mid}/sessions", "Schedule a session (chair, secretariat)", "sessions",
     ("201", "Scheduled", ref("MeetingSession")), _WRITE,
     {"body": "MeetingSessionCreate",
      "notes": {"422": "Invalid fields, or a plenary without an existing group document"}}),
    ("get", _S, "A session with its stream links", "sessions",
     ("200", "The session", ref("MeetingSession")), _READ, {"public": True}),
    ("post", _S + "/status", "Move a session scheduled -> live -> ended (ending freezes its "
     "draft)", "sessions", ("200", "Moved", ref("MeetingSession")), _WRITE + " 409",
     {"body": "SessionStatusChange",
      "notes": {"409": "Not the next status (`invalid_transition`)"}}),
    ("get", _S + "/transitions", "Who moved the session, and when", "sessions",
     ("200", "The transitions", _listing("transitions", "SessionTransition")), _READ,
     {"public": True}),
    ("get", _S + "/versions", "Frozen versions of the session's draft", "sessions",
     ("200", "The versions", _listing("versions", "DraftVersion")), _READ, {"public": True}),
    ("post", _S + "/streams", "Add a stream link (announced live as stream-links)", "sessions",
     ("201", "Every link of the session", ref("StreamLinks")), _WRITE,
     {"body": "StreamLinkCreate"}),
    ("patch", _S + "/streams/{lid}", "Change a stream link", "sessions",
     ("200", "Every link of the session", ref("StreamLinks")), _WRITE,
     {"body": "StreamLinkUpdate"}),
    ("delete", _S + "/streams/{lid}", "Remove a stream link", "sessions",
     ("200", "Every remaining link", ref("StreamLinks")), _READ, {}),
    ("get", _S + "/transcript", "The transcript so far, with the non-authoritative notice",
     "transcripts", ("200", "The transcript", ref("Transcript")), _READ, {"public": True}),
    ("post", _S + "/transcript", "Append segments (captioners); a resend with the same "
     "client_key is recognised, not doubled", "transcripts",
     ("201", "Stored or recognised, in order", ref("TranscriptSegments")), _WRITE + " 409",
     {"body": "TranscriptAppend", "notes": _NOT_LIVE}),
    ("patch", _S + "/transcript/{seg}", "Correct a segment (its revision goes up by one)",
     "transcripts", ("200", "The corrected segment", ref("TranscriptSegment")), _WRITE,
     {"body": "SegmentCorrection"}),
    ("post", _S + "/transcript/import", "Import a WebVTT or SRT file (all cues or none; "
     "importing it again adds nothing)", "transcripts",
     ("201", "Stored", ref("TranscriptImported")), _WRITE + " 409",
     {"notes": {"422": "A malformed cue: `error.details.fields.file` names its line",
                "409": "The session is still scheduled (`invalid_transition`)"}}),
    ("get", _S + "/transcript.{fmt}", "The transcript as WebVTT, SRT or plain text",
     "transcripts", ("200", "The file (WebVTT and text carry the non-authoritative notice)",
                     None), _READ, {"public": True}),
    ("get", _S + "/follow", "Everything about a session in one call (live: Socket.IO "
     "/session|<id>)", "sessions",
     ("200", "Status, streams, transcript so far and the draft", ref("SessionFollow")), _READ,
     {"public": True, "description": "Anonymous callers may follow the sessions of groups "
      "with public follow on."}),
]  # fmt: skip

_PARAMS = {
    "gid": "working group id",
    "mid": "meeting id",
    "sid": "session id",
    "lid": "stream link id",
    "seg": "transcript segment id",
}
_SEARCH = {
    "name": "q",
    "in": "query",
    "required": True,
    "description": "words, all of which a segment must contain (case-insensitive)",
    "schema": {"type": "string", "minLength": 1},
}


def session_paths(
    operation: Operation, path_param: PathParam, optional: list[dict[str, list[str]]]
) -> dict[str, dict[str, Any]]:
    """The routes of ``server.sessions.views.routes``, built with ``openapi.operation``."""
    fmt = path_param("fmt", "export format", {"type": "string", "enum": list(EXPORT_TYPES)})
    paths: dict[str, dict[str, Any]] = {}
    for method, path, summary, tag, ok, errors, options in _TABLE:
        names = re.findall(r"{(\w+)}", path)
        params = [fmt if n == "fmt" else path_param(n, _PARAMS[n]) for n in names]
        if path.endswith("/search"):
            params.append(_SEARCH)
        op = operation(
            summary,
            tag,
            ok,
            errors=errors,
            params=tuple(params),
            body=options.get("body"),
            notes=options.get("notes"),
            description=options.get("description"),
            **({"security": optional} if options.get("public") else {}),
        )
        paths.setdefault("/api" + path, {})[method] = op
    export = paths["/api" + _S + "/transcript.{fmt}"]["get"]
    export["responses"]["200"]["content"] = {
        media: {"schema": {"type": "string"}} for media in EXPORT_TYPES.values()
    }
    imported = paths["/api" + _S + "/transcript/import"]["post"]
    imported["requestBody"] = {
        "required": True,
        "content": {
            media: {"schema": {"type": "string"}}
            for media in ("text/vtt", "application/x-subrip", "text/plain")
        },
    }
    return paths
