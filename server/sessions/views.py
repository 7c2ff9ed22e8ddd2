"""HTTP API of meetings, sessions, stream links and transcripts.

Each handler declares its contract (``server.contract``): path ids, body and
response models from ``server.sessions.schemas``. Reading routes serve anonymous
followers of publicly followed groups; the rest need a signed-in caller whose role
the services check.
"""

from __future__ import annotations

from typing import Literal

from aiohttp import web

from crdt import updates
from crdt.captions import NOTICE
from server.auth.credentials import request_token
from server.auth.principal import Principal
from server.contract import Api, Call
from server.contract.types import Id
from server.documents.schemas import DocumentContent
from server.edge.bodies import BULK_BODY_LIMIT, read_text
from server.errors import Conflict, Forbidden, InvalidTransition, Unauthenticated
from server.keys import ACCESS, ROOMS, SESSIONS, TRANSCRIPTS
from server.sessions.models import Session
from server.sessions.schemas import (
    DraftVersionList,
    Meeting,
    MeetingCreate,
    MeetingList,
    MeetingSession,
    MeetingSessionCreate,
    MeetingSessionCreated,
    MeetingSessionDetail,
    MeetingSessionList,
    SegmentCorrection,
    SessionFollow,
    SessionFollowLive,
    SessionStatusChange,
    SessionTransitionList,
    StreamLinkCreate,
    StreamLinks,
    StreamLinkUpdate,
    Transcript,
    TranscriptAppend,
    TranscriptImported,
    TranscriptSearch,
    TranscriptSearchQuery,
    TranscriptSegment,
    TranscriptSegments,
)
from server.validation import ValidationFailed

# The live side of a session, described in the OpenAPI document's info.description.
LIVE_DESCRIPTION = (
    " A session is followed live on the Socket.IO namespace `/session|<id>`: the server "
    "sends session-state, then transcript-history {segments, upto}, then live events "
    "(transcript-segment, transcript-correction, stream-links, session-status) and the "
    "session's draft, read-only, through the usual sync events; a captioner sends "
    "transcript-append {segments} and transcript-correct {id, text} with an ack."
)
api = Api("sessions")

PARAMS = {
    "gid": "working group id",
    "mid": "meeting id",
    "sid": "session id",
    "lid": "stream link id",
    "seg": "transcript segment id",
    "fmt": "export format",
}
# Reading routes: anonymous callers get in where the group follows publicly.
READ = {"auth": "optional", "errors": (Unauthenticated, Forbidden), "params": PARAMS}
WRITE = {"errors": (Forbidden,), "params": PARAMS}
EXPORTS = {"vtt": "text/vtt", "srt": "application/x-subrip", "txt": "text/plain"}
CAPTION_FILES = ("text/vtt", "application/x-subrip", "text/plain")
TEXT = {"schema": {"type": "string"}}
ExportFormat = Literal["vtt", "srt", "txt"]


async def _session_reader(call: Call, session_id: int) -> tuple[Session, Principal]:
    """A session and its reader: whoever may read the session's draft document."""
    session = await call.app[SESSIONS].load(session_id)
    grant = await call.app[ACCESS].open_document(request_token(call.request), session.document)
    return session, grant.principal


async def _reader(call: Call, group_id: int) -> Principal:
    """The caller, or an anonymous follower when the group follows publicly."""
    principal = await call.caller()
    if principal is None:
        if not await call.app[ACCESS].group_is_public(group_id):
            raise Unauthenticated("this working group is not public: sign in")
        principal = Principal.anonymous_follower(group_id)
    return principal


# -- meetings and sessions -----------------------------------------------------------


@api.get("/api/groups/{gid}/meetings", tag="meetings", **READ)
async def list_meetings(call: Call, gid: Id) -> MeetingList:
    """The group's meetings, by number"""
    reader = await _reader(call, gid)
    return MeetingList(meetings=await call.app[SESSIONS].list_meetings(reader, gid))


@api.post("/api/groups/{gid}/meetings", status=201, tag="meetings", **WRITE)
async def create_meeting(call: Call, gid: Id, body: MeetingCreate) -> Meeting:
    """Create a meeting (chair, secretariat)

    A meeting's number is unique in its group (422 `number` when taken)."""
    return await call.app[SESSIONS].create_meeting(await call.signed_in(), gid, body)


@api.get("/api/meetings/{mid}/sessions", **READ)
async def list_sessions(call: Call, mid: Id) -> MeetingSessionList:
    """The meeting's sessions, by scheduled start"""
    service = call.app[SESSIONS]
    reader = await _reader(call, await service.meeting_group_id(mid))
    return MeetingSessionList(sessions=await service.list_sessions(reader, mid))


@api.post("/api/meetings/{mid}/sessions", status=201, errors=(Forbidden, Conflict), params=PARAMS)
async def create_session(call: Call, mid: Id, body: MeetingSessionCreate) -> MeetingSessionCreated:
    """Schedule a session (chair, secretariat)

    A plenary needs an existing group `document`; a lead delegation must be the
    group's (422 naming the field otherwise)."""
    return await call.app[SESSIONS].create_session(await call.signed_in(), mid, body)


@api.get("/api/sessions/{sid}", **READ)
async def get_session(call: Call, sid: Id) -> MeetingSessionDetail:
    """A session with its stream links"""
    _, reader = await _session_reader(call, sid)
    return await call.app[SESSIONS].get(reader, sid)


@api.post("/api/sessions/{sid}/status", errors=(Forbidden, InvalidTransition), params=PARAMS)
async def change_session_status(call: Call, sid: Id, body: SessionStatusChange) -> MeetingSession:
    """Move a session scheduled -> live -> ended (ending freezes its draft)

    409 `invalid_transition` when the status asked for is not the next one."""
    return await call.app[SESSIONS].transition(await call.signed_in(), sid, body)


@api.get("/api/sessions/{sid}/transitions", **READ)
async def list_transitions(call: Call, sid: Id) -> SessionTransitionList:
    """Who moved the session, and when"""
    _, reader = await _session_reader(call, sid)
    return SessionTransitionList(transitions=await call.app[SESSIONS].transitions(reader, sid))


@api.get("/api/sessions/{sid}/versions", **READ)
async def list_versions(call: Call, sid: Id) -> DraftVersionList:
    """Frozen versions of the session's draft"""
    _, reader = await _session_reader(call, sid)
    return DraftVersionList(versions=await call.app[SESSIONS].versions(reader, sid))


# -- stream links ------------------------------------------------------------------


@api.post("/api/sessions/{sid}/streams", status=201, **WRITE)
async def add_stream(call: Call, sid: Id, body: StreamLinkCreate) -> StreamLinks:
    """Add a stream link (announced live as stream-links)

    The answer lists every link of the session."""
    return await call.app[SESSIONS].set_stream(await call.signed_in(), sid, link=body)


@api.patch("/api/sessions/{sid}/streams/{lid}", **WRITE)
async def change_stream(call: Call, sid: Id, lid: Id, body: StreamLinkUpdate) -> StreamLinks:
    """Change a stream link

    The answer lists every link of the session."""
    actor = await call.signed_in()
    return await call.app[SESSIONS].set_stream(actor, sid, link_id=lid, link=body)


@api.delete("/api/sessions/{sid}/streams/{lid}", **WRITE)
async def remove_stream(call: Call, sid: Id, lid: Id) -> StreamLinks:
    """Remove a stream link

    The answer lists every remaining link."""
    return await call.app[SESSIONS].set_stream(await call.signed_in(), sid, link_id=lid)


# -- transcripts -------------------------------------------------------------------


@api.get("/api/sessions/{sid}/transcript", tag="transcripts", **READ)
async def get_transcript(call: Call, sid: Id) -> Transcript:
    """The transcript so far, with the non-authoritative notice"""
    await _session_reader(call, sid)
    return await call.app[TRANSCRIPTS].history(sid)


@api.post(
    "/api/sessions/{sid}/transcript",
    status=201,
    tag="transcripts",
    errors=(Forbidden, InvalidTransition),
    body_limit=BULK_BODY_LIMIT,  # a caption feeder's backlog of segments
    params=PARAMS,
)
async def append_transcript(call: Call, sid: Id, body: TranscriptAppend) -> TranscriptSegments:
    """Append segments (captioners); a resend with the same client_key is recognised, not doubled

    The answer lists the segments stored or recognised, in order; 409
    `invalid_transition` when the session is not live."""
    stored = await call.app[TRANSCRIPTS].append(await call.signed_in(), sid, body)
    return TranscriptSegments(segments=stored)


@api.patch("/api/sessions/{sid}/transcript/{seg}", tag="transcripts", **WRITE)
async def correct_segment(
    call: Call, sid: Id, seg: Id, body: SegmentCorrection
) -> TranscriptSegment:
    """Correct a segment (its revision goes up by one)"""
    return await call.app[TRANSCRIPTS].correct(await call.signed_in(), sid, seg, body)


@api.post(
    "/api/sessions/{sid}/transcript/import",
    status=201,
    tag="transcripts",
    errors=(Forbidden, InvalidTransition, ValidationFailed),
    body_limit=BULK_BODY_LIMIT,  # a day of captions as WebVTT
    raw_body={media: TEXT for media in CAPTION_FILES},
    params=PARAMS,
)
async def import_transcript(call: Call, sid: Id) -> TranscriptImported:
    """Import a WebVTT or SRT file (all cues or none; importing it again adds nothing)

    422 names a malformed cue's line in `error.details.fields.file`; 409
    `invalid_transition` while the session is still scheduled."""
    actor = await call.signed_in()
    text = await read_text(call.request)
    stored = await call.app[TRANSCRIPTS].import_file(actor, sid, text)
    return TranscriptImported(segments=stored, count=len(stored))


@api.get(
    "/api/sessions/{sid}/transcript.{fmt}",
    tag="transcripts",
    raw_content={media: TEXT for media in EXPORTS.values()},
    **READ,
)
async def export_transcript(call: Call, sid: Id, fmt: ExportFormat) -> web.StreamResponse:
    """The transcript as WebVTT, SRT or plain text

    WebVTT and text carry the non-authoritative notice."""
    await _session_reader(call, sid)
    body = await call.app[TRANSCRIPTS].export(sid, fmt)
    return web.Response(text=body, content_type=EXPORTS[fmt], charset="utf-8")


@api.get("/api/groups/{gid}/transcripts/search", tag="transcripts", **READ)
async def search_transcripts(call: Call, gid: Id, query: TranscriptSearchQuery) -> TranscriptSearch:
    """Search every transcript of the group

    Matching segments, oldest first (at most 50). Observers, followers and the
    public do not find the segments of sessions whose draft is private."""
    reader = await _reader(call, gid)
    results = await call.app[TRANSCRIPTS].search(reader, gid, query)
    return TranscriptSearch(notice=NOTICE, results=results)


# -- following -----------------------------------------------------------------------


@api.get("/api/sessions/{sid}/follow", **READ)
async def follow_session(call: Call, sid: Id) -> SessionFollow:
    """Everything about a session in one call (live: Socket.IO /session|<id>)

    Status, streams, transcript so far and the draft. Anonymous callers may follow
    the sessions of groups with public follow on."""
    loaded, reader = await _session_reader(call, sid)
    info = await call.app[SESSIONS].get(reader, sid)
    doc = await call.app[ROOMS].document(loaded.document)
    return SessionFollow(
        session=info,
        streams=info.streams,
        draft=DocumentContent.of(doc if doc is not None else updates.new_doc()),
        transcript=await call.app[TRANSCRIPTS].history(sid),
        live=SessionFollowLive(socketio_namespace=f"/session|{sid}"),
    )
