"""The follow view of a session on Socket.IO namespace ``/session|<id>``.

One subscription gives a remote participant everything: the session's status
and stream links, the transcript so far then live (no gap, no duplicate), and
the current draft, read-only, through the usual Yjs sync events. A captioner
appends and corrects segments on the same connection.
"""

from __future__ import annotations

from typing import Any

from crdt.captions import NOTICE
from server.auth.access import AccessPolicy
from server.auth.principal import Principal
from server.errors import BadInput
from server.sessions.service import SessionService, session_dict, stream_dict
from server.sessions.transcript import TranscriptService, parse_segments
from server.transports.socketio import SocketIOPeer
from server.validation import parse_id

SESSION_PREFIX = "/session|"


class SessionFollow:
    prefix = SESSION_PREFIX

    def __init__(
        self, access: AccessPolicy, sessions: SessionService, transcripts: TranscriptService
    ) -> None:
        self._access = access
        self._sessions = sessions
        self._transcripts = transcripts

    async def open(self, key: str, token: str | None) -> tuple[Principal, str, Any]:
        session_id = parse_id(key, "session")
        session = await self._sessions.load(session_id)
        # Whoever may read the session's draft may follow the session.
        grant = await self._access.open_document(token, session.document)
        return grant.principal, session.document, session_id

    async def greet(self, peer: SocketIOPeer, session_id: int) -> None:
        hub = self._sessions.hub
        await hub.subscribe(session_id, peer)
        session = await self._sessions.load(session_id)
        streams = [stream_dict(s) for s in await self._sessions.streams(session_id)]
        await SocketIOPeer.send_event(
            [peer],
            "session-state",
            {"session": session_dict(session), "streams": streams, "transcript_notice": NOTICE},
        )
        segments, upto = await self._transcripts.history(session_id)
        await SocketIOPeer.send_event(
            [peer], "transcript-history", {"segments": segments, "upto": upto}
        )
        await hub.release(session_id, peer, {s["id"] for s in segments})

    async def leave(self, peer: SocketIOPeer, session_id: int) -> None:
        await self._sessions.hub.unsubscribe(session_id, peer)

    async def handle(
        self, peer: SocketIOPeer, session_id: int, event: str, args: tuple[Any, ...]
    ) -> Any:
        data = args[0] if args else None
        if event == "transcript-append":
            stored = await self._transcripts.append(
                peer.principal, session_id, parse_segments(data)
            )
            return {"ok": True, "segments": stored}
        if event == "transcript-correct":
            if not isinstance(data, dict) or not isinstance(data.get("id"), int):
                raise BadInput("transcript-correct expects {'id': <segment id>, 'text': ...}")
            corrected = await self._transcripts.correct(
                peer.principal,
                session_id,
                parse_id(data["id"], "segment"),
                text=str(data.get("text", "")),
                speaker=data.get("speaker"),
            )
            return {"ok": True, "segment": corrected}
        raise BadInput(f"unknown event {event!r}")
