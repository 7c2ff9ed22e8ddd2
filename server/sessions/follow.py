"""The follow view of a session on Socket.IO namespace ``/session|<id>``.

One subscription gives a remote participant everything: the session's status
and stream links, the transcript so far then live (no gap, no duplicate), and
the current draft, read-only, through the usual Yjs sync events. A captioner
appends and corrects segments on the same connection.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Sequence
from typing import Any

from crdt.captions import NOTICE
from server.auth.access import AccessPolicy
from server.auth.principal import Principal
from server.contract import validated
from server.errors import BadInput
from server.live.hub import LiveHub
from server.paragraphs import live as paragraphs
from server.rooms.peer import EventPeer
from server.sessions.live import topic
from server.sessions.schemas import MeetingSession, SegmentCorrection
from server.sessions.service import SessionService
from server.sessions.transcript import TranscriptService, parse_append
from server.validation import parse_id

SESSION_PREFIX = "/session|"

# (principal, document) -> the governance history of the session's document.
GovernanceHistory = Callable[
    [Principal, str], Awaitable[tuple[Sequence[tuple[str, Any]], Collection[Any]]]
]


class SessionFollow:
    """A ``server.live.events.View``: the transport serves it on ``/session|<id>``."""

    prefix = SESSION_PREFIX

    def __init__(
        self,
        access: AccessPolicy,
        sessions: SessionService,
        transcripts: TranscriptService,
        hub: LiveHub,
        governance: GovernanceHistory | None = None,
        topics: Sequence[Callable[[str], str]] = (),
    ) -> None:
        self._governance = governance
        # More topics of the session's document the follow view carries live
        # (amendments: each follower gets only what its role may see).
        self._topics = tuple(topics)
        self._access = access
        self._sessions = sessions
        self._transcripts = transcripts
        self._hub = hub

    async def open(self, key: str, token: str | None) -> tuple[Principal, str, Any]:
        session_id = parse_id(key, "session")
        session = await self._sessions.load(session_id)
        # Whoever may read the session's draft may follow the session.
        grant = await self._access.open_document(token, session.document)
        return grant.principal, session.document, (session_id, session.document)

    async def greet(self, peer: EventPeer, context: tuple[int, str]) -> None:
        """History then live: the session's state and transcript so far, then its events;
        and the governance of its document (paragraph status, metadata, opinions)."""
        session_id, document = context

        async def history() -> tuple[Sequence[tuple[str, Any]], Collection[int]]:
            session = await self._sessions.load(session_id)
            streams = [s.model_dump(mode="json") for s in await self._sessions.streams(session_id)]
            state = {
                "session": MeetingSession.model_validate(session).model_dump(mode="json"),
                "streams": streams,
                "transcript_notice": NOTICE,
            }
            transcript = await self._transcripts.history(session_id)
            return (
                [
                    ("session-state", state),
                    (
                        "transcript-history",
                        transcript.model_dump(mode="json", include={"segments", "upto"}),
                    ),
                ],
                {s.id for s in transcript.segments},
            )

        await self._hub.subscribe(topic(session_id), peer, history)
        if self._governance is not None:
            governance = self._governance
            await self._hub.subscribe(
                paragraphs.topic(document),
                peer,
                lambda: governance(peer.principal, document),
            )
        for document_topic in self._topics:
            await self._hub.subscribe(document_topic(document), peer)

    async def leave(self, peer: EventPeer, context: tuple[int, str]) -> None:
        session_id, document = context
        await self._hub.unsubscribe(topic(session_id), peer)
        await self._hub.unsubscribe(paragraphs.topic(document), peer)
        for document_topic in self._topics:
            await self._hub.unsubscribe(document_topic(document), peer)

    async def handle(
        self, principal: Principal, context: tuple[int, str], event: str, data: Any
    ) -> dict[str, Any]:
        session_id = context[0]
        if event == "transcript-append":
            stored = await self._transcripts.append(principal, session_id, parse_append(data))
            return {"ok": True, "segments": [s.model_dump(mode="json") for s in stored]}
        if event == "transcript-correct":
            if not isinstance(data, dict) or not isinstance(data.get("id"), int):
                raise BadInput("transcript-correct expects {'id': <segment id>, 'text': ...}")
            segment_id = parse_id(data["id"], "segment")
            correction = validated(SegmentCorrection, {k: v for k, v in data.items() if k != "id"})
            corrected = await self._transcripts.correct(
                principal, session_id, segment_id, correction
            )
            return {"ok": True, "segment": corrected.model_dump(mode="json")}
        raise BadInput(f"unknown event {event!r}")
