"""The live transcript: append (idempotently), correct, replay, export, import, search.

Segments are acknowledged only once committed, and a resent segment (same
``client_key``) is recognised rather than stored twice, so a caption feeder can
resend freely after a reconnect. The transcript is a rough record, marked as
non-authoritative wherever it is shown or exported.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crdt.captions import CaptionFormatError, Cue, parse, render_srt, render_text, render_webvtt
from server import audit
from server.auth.permissions import Action, can, require
from server.auth.principal import Principal
from server.errors import BadInput, InvalidTransition, NotFound
from server.groups.models import GroupDocument
from server.sessions.live import SessionHub
from server.sessions.models import STREAM_LANGUAGES, Session, TranscriptSegment
from server.storage.models import Document, utcnow
from server.validation import ValidationFailed

MAX_SEGMENT_CHARS = 5000
MAX_MS = 2**31 - 1  # the columns are 32-bit: about 24 days of recording


@dataclass(frozen=True)
class SegmentIn:
    client_key: str
    text: str
    start_ms: int
    end_ms: int
    speaker: str = ""
    delegation: str = ""
    language: str = "floor"


def segment_dict(s: TranscriptSegment) -> dict[str, Any]:
    return {
        "id": s.id,
        "session_id": s.session_id,
        "speaker": s.speaker,
        "delegation": s.delegation,
        "start_ms": s.start_ms,
        "end_ms": s.end_ms,
        "language": s.language,
        "text": s.text,
        "revision": s.revision,
        "updated_at": s.updated_at.isoformat(),
    }


def check_segment(segment: SegmentIn, index: int = 0) -> None:
    problems = {}
    if not segment.client_key or len(segment.client_key) > 200:
        problems[f"segments[{index}].client_key"] = "1 to 200 characters"
    if not segment.text.strip() or len(segment.text) > MAX_SEGMENT_CHARS:
        problems[f"segments[{index}].text"] = f"1 to {MAX_SEGMENT_CHARS} characters"
    if segment.start_ms < 0 or segment.end_ms < segment.start_ms or segment.end_ms > MAX_MS:
        problems[f"segments[{index}].end_ms"] = "0 <= start_ms <= end_ms < 2**31"
    for name in ("speaker", "delegation"):
        if len(getattr(segment, name)) > 200:
            problems[f"segments[{index}].{name}"] = "at most 200 characters"
    if segment.language not in STREAM_LANGUAGES:
        problems[f"segments[{index}].language"] = f"one of {', '.join(STREAM_LANGUAGES)}"
    if problems:
        raise ValidationFailed(problems)


def parse_segments(data: Any) -> list[SegmentIn]:
    items = data.get("segments") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise BadInput("transcript-append expects {'segments': [...]} with at least one segment")
    segments = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise BadInput(f"segments[{index}] must be an object")
        try:
            segments.append(
                SegmentIn(
                    client_key=str(item["client_key"]),
                    text=str(item["text"]),
                    start_ms=int(item["start_ms"]),
                    end_ms=int(item["end_ms"]),
                    speaker=str(item.get("speaker", "")),
                    delegation=str(item.get("delegation", "")),
                    language=str(item.get("language", "floor")),
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise BadInput(
                f"segments[{index}] needs client_key, text, start_ms and end_ms ({exc})"
            ) from exc
    return segments


class TranscriptService:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], hub: SessionHub, logger: logging.Logger
    ) -> None:
        self._sessions = sessions
        self._hub = hub
        self._log = logger

    async def _session(self, db: AsyncSession, session_id: int) -> Session:
        session = await db.get(Session, session_id)
        if session is None:
            raise NotFound(f"no session {session_id}")
        return session

    async def append(
        self,
        actor: Principal,
        session_id: int,
        segments: list[SegmentIn],
        *,
        allow_ended: bool = False,
    ) -> list[dict[str, Any]]:
        """Store new segments (resends are recognised) and deliver them live."""
        for index, segment in enumerate(segments):
            check_segment(segment, index)
        for _attempt in range(3):
            try:
                stored, new = await self._insert(actor, session_id, segments, allow_ended)
                break
            except IntegrityError:
                continue  # a concurrent resend won the race: re-read as existing
        else:
            raise InvalidTransition("the segments could not be stored; try again")
        for item in new:
            await self._hub.publish(session_id, "transcript-segment", item)
        return stored

    async def _insert(
        self, actor: Principal, session_id: int, segments: list[SegmentIn], allow_ended: bool
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        async with self._sessions.begin() as db:
            session = await self._session(db, session_id)
            require(actor, Action.APPEND_TRANSCRIPT, session.group_id)
            if session.status == "scheduled" or (session.status == "ended" and not allow_ended):
                raise InvalidTransition(
                    f"captions go to a live session; this one is {session.status}",
                    status=session.status,
                )
            keys = [s.client_key for s in segments]
            existing = {
                row.client_key: row
                for row in await db.scalars(
                    select(TranscriptSegment).where(
                        TranscriptSegment.session_id == session_id,
                        TranscriptSegment.client_key.in_(keys),
                    )
                )
            }
            stored, new = [], []
            for segment in segments:
                row = existing.get(segment.client_key)
                if row is None:
                    row = TranscriptSegment(
                        session_id=session_id,
                        group_id=session.group_id,
                        client_key=segment.client_key,
                        speaker=segment.speaker,
                        delegation=segment.delegation,
                        start_ms=segment.start_ms,
                        end_ms=segment.end_ms,
                        language=segment.language,
                        text=segment.text,
                        created_by=actor.actor,
                    )
                    db.add(row)
                    await db.flush()
                    existing[segment.client_key] = row
                    new.append(segment_dict(row))
                stored.append(segment_dict(row))
            return stored, new

    async def correct(
        self,
        actor: Principal,
        session_id: int,
        segment_id: int,
        *,
        text: str,
        speaker: str | None = None,
    ) -> dict[str, Any]:
        problems = {}
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_SEGMENT_CHARS:
            problems["text"] = f"1 to {MAX_SEGMENT_CHARS} characters"
        if speaker is not None and (not isinstance(speaker, str) or len(speaker) > 200):
            problems["speaker"] = "a string of at most 200 characters"
        if problems:
            raise ValidationFailed(problems)
        async with self._sessions.begin() as db:
            session = await self._session(db, session_id)
            require(actor, Action.APPEND_TRANSCRIPT, session.group_id)
            row = await db.get(TranscriptSegment, segment_id, with_for_update=True)
            if row is None or row.session_id != session_id:
                raise NotFound(f"no segment {segment_id} in this session")
            row.text = text
            if speaker is not None:
                row.speaker = speaker
            row.revision += 1
            row.updated_at = utcnow()
            audit.record(
                db,
                actor,
                "transcript.correct",
                f"segment:{segment_id}",
                group_id=session.group_id,
                revision=row.revision,
            )
            corrected = segment_dict(row)
        await self._hub.publish(session_id, "transcript-correction", corrected)
        return corrected

    async def history(self, session_id: int) -> tuple[list[dict[str, Any]], int]:
        """Every segment so far, in order, and the highest id among them."""
        async with self._sessions() as db:
            rows = list(
                await db.scalars(
                    select(TranscriptSegment)
                    .where(TranscriptSegment.session_id == session_id)
                    .order_by(TranscriptSegment.id)
                )
            )
        return [segment_dict(r) for r in rows], (rows[-1].id if rows else 0)

    async def export(self, session_id: int, fmt: str) -> str:
        segments, _ = await self.history(session_id)
        cues = [Cue(s["start_ms"], s["end_ms"], s["text"], s["speaker"]) for s in segments]
        renderers = {"vtt": render_webvtt, "srt": render_srt, "txt": render_text}
        return renderers[fmt](sorted(cues, key=lambda c: c.start_ms))

    async def import_file(
        self, actor: Principal, session_id: int, text: str
    ) -> list[dict[str, Any]]:
        """Import a WebVTT/SRT file (all cues or none); importing it again adds nothing."""
        try:
            cues = parse(text)
        except CaptionFormatError as exc:
            raise ValidationFailed({"file": str(exc)}) from exc
        digest = hashlib.sha256(text.encode()).hexdigest()[:16]
        segments = [
            SegmentIn(
                client_key=f"import:{digest}:{i}",
                text=c.text or "(inaudible)",
                start_ms=c.start_ms,
                end_ms=c.end_ms,
                speaker=c.speaker,
            )
            for i, c in enumerate(cues)
        ]
        return await self.append(actor, session_id, segments, allow_ended=True)

    async def search(
        self, actor: Principal, group_id: int, query: str, *, limit: int = 50
    ) -> list[dict[str, Any]]:
        require(actor, Action.READ_TEXT, group_id)
        words = [w for w in query.lower().split() if w]
        if not words:
            raise ValidationFailed({"q": "search for at least one word"})
        async with self._sessions() as db:
            statement = (
                select(TranscriptSegment, Session.title)
                .join(Session, Session.id == TranscriptSegment.session_id)
                .where(TranscriptSegment.group_id == group_id)
            )
            if not can(actor, Action.READ_PRIVATE_DOCUMENTS):
                # A session's transcript is read like its draft: private drafts'
                # sessions are not searchable by observers, followers or the public.
                statement = (
                    statement.join(Document, Document.name == Session.document)
                    .join(GroupDocument, GroupDocument.document_id == Document.id)
                    .where(GroupDocument.public)
                )
            for word in words:
                escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                statement = statement.where(
                    func.lower(TranscriptSegment.text).like(f"%{escaped}%", escape="\\")
                )
            rows = (await db.execute(statement.order_by(TranscriptSegment.id).limit(limit))).all()
        return [{**segment_dict(seg), "session_title": title} for seg, title in rows]
