"""The live transcript: append (idempotently), correct, replay, export, import, search.

Segments are acknowledged only once committed, and a resent segment (same
``client_key``) is recognised rather than stored twice, so a caption feeder can
resend freely after a reconnect. The transcript is a rough record, marked as
non-authoritative wherever it is shown or exported.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crdt.captions import (
    NOTICE,
    CaptionFormatError,
    Cue,
    parse,
    render_srt,
    render_text,
    render_webvtt,
)
from server import audit
from server.auth.permissions import Action, can, require
from server.auth.principal import Principal
from server.contract import validated
from server.errors import BadInput, InvalidTransition, NotFound
from server.groups.models import GroupDocument
from server.sessions import schemas
from server.sessions.live import SessionPublisher
from server.sessions.models import Session, TranscriptSegment
from server.sessions.schemas import TranscriptAppend
from server.storage.models import Document, utcnow
from server.validation import ValidationFailed

# Socket.IO ``transcript-append`` answers a payload that is not a batch of segments
# at all (no list, an item that is no object or lacks a required field) with
# ``bad_input``; a segment whose values break a constraint with ``validation_failed``.
_NOT_A_BATCH = {"missing", "model_type", "list_type", "too_short"}


def parse_append(data: Any) -> TranscriptAppend:
    """A captioner's ``transcript-append`` payload, checked by ``TranscriptAppend``."""
    try:
        return validated(TranscriptAppend, data)
    except ValidationFailed as exc:
        cause = exc.__cause__
        if isinstance(cause, ValidationError) and any(
            e["type"] in _NOT_A_BATCH for e in cause.errors()
        ):
            raise BadInput(
                "transcript-append expects {'segments': [...]}, at least one, each with "
                f"client_key, text, start_ms and end_ms ({', '.join(exc.fields)})"
            ) from exc
        raise


class TranscriptService:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        hub: SessionPublisher,
        logger: logging.Logger,
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
        batch: TranscriptAppend,
        *,
        allow_ended: bool = False,
    ) -> list[schemas.TranscriptSegment]:
        """Store new segments (resends are recognised) and deliver them live."""
        for _attempt in range(3):
            try:
                stored, new = await self._insert(actor, session_id, batch.segments, allow_ended)
                break
            except IntegrityError:
                continue  # a concurrent resend won the race: re-read as existing
        else:
            raise InvalidTransition("the segments could not be stored; try again")
        for item in new:
            await self._hub.publish(session_id, "transcript-segment", item.model_dump(mode="json"))
        return stored

    async def _insert(
        self,
        actor: Principal,
        session_id: int,
        segments: list[schemas.TranscriptSegmentIn],
        allow_ended: bool,
    ) -> tuple[list[schemas.TranscriptSegment], list[schemas.TranscriptSegment]]:
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
            stored: list[schemas.TranscriptSegment] = []
            new: list[schemas.TranscriptSegment] = []
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
                    new.append(schemas.TranscriptSegment.model_validate(row))
                stored.append(schemas.TranscriptSegment.model_validate(row))
            return stored, new

    async def correct(
        self,
        actor: Principal,
        session_id: int,
        segment_id: int,
        correction: schemas.SegmentCorrection,
    ) -> schemas.TranscriptSegment:
        async with self._sessions.begin() as db:
            session = await self._session(db, session_id)
            require(actor, Action.APPEND_TRANSCRIPT, session.group_id)
            row = await db.get(TranscriptSegment, segment_id, with_for_update=True)
            if row is None or row.session_id != session_id:
                raise NotFound(f"no segment {segment_id} in this session")
            row.text = correction.text
            if correction.speaker is not None:
                row.speaker = correction.speaker
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
            corrected = schemas.TranscriptSegment.model_validate(row)
        await self._hub.publish(
            session_id, "transcript-correction", corrected.model_dump(mode="json")
        )
        return corrected

    async def history(self, session_id: int) -> schemas.Transcript:
        """Every segment so far, in order, and the highest id among them."""
        async with self._sessions() as db:
            rows = list(
                await db.scalars(
                    select(TranscriptSegment)
                    .where(TranscriptSegment.session_id == session_id)
                    .order_by(TranscriptSegment.id)
                )
            )
        return schemas.Transcript(
            notice=NOTICE,
            segments=[schemas.TranscriptSegment.model_validate(r) for r in rows],
            upto=rows[-1].id if rows else 0,
        )

    async def export(self, session_id: int, fmt: str) -> str:
        segments = (await self.history(session_id)).segments
        cues = [Cue(s.start_ms, s.end_ms, s.text, s.speaker) for s in segments]
        renderers = {"vtt": render_webvtt, "srt": render_srt, "txt": render_text}
        return renderers[fmt](sorted(cues, key=lambda c: c.start_ms))

    async def import_file(
        self, actor: Principal, session_id: int, text: str
    ) -> list[schemas.TranscriptSegment]:
        """Import a WebVTT/SRT file (all cues or none); importing it again adds nothing."""
        try:
            cues = parse(text)
        except CaptionFormatError as exc:
            raise ValidationFailed({"file": str(exc)}) from exc
        digest = hashlib.sha256(text.encode()).hexdigest()[:16]
        segments = [
            {
                "client_key": f"import:{digest}:{i}",
                "text": c.text or "(inaudible)",
                "start_ms": c.start_ms,
                "end_ms": c.end_ms,
                "speaker": c.speaker,
            }
            for i, c in enumerate(cues)
        ]
        # A file without cues imports nothing (once the caller may import at all).
        batch = (
            validated(TranscriptAppend, {"segments": segments})
            if segments
            else TranscriptAppend.model_construct(segments=[])
        )
        return await self.append(actor, session_id, batch, allow_ended=True)

    async def search(
        self,
        actor: Principal,
        group_id: int,
        query: schemas.TranscriptSearchQuery,
        *,
        limit: int = 50,
    ) -> list[schemas.TranscriptSearchHit]:
        require(actor, Action.READ_TEXT, group_id)
        words = query.q.lower().split()
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
        hits = [(schemas.TranscriptSegment.model_validate(seg), title) for seg, title in rows]
        return [
            schemas.TranscriptSearchHit(**hit.model_dump(), session_title=title)
            for hit, title in hits
        ]
