"""Exports: "the document at version N" (or now), one part of it, in one format.

The state comes from the revisions domain (``StateSource``: it checks the document's
read rule, so a private breakout draft's versions and exports are refused to whoever
may not read the draft); the group's context frozen with the version (older versions:
read from SQL as of the version's moment; now: as it is);
then the part's blocks and the format's renderer. Reading only: an export changes
nothing. The CPU work (reading the state, rendering) runs in a worker thread, so a
large export does not stall the live rooms of this process.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from server.auth.access import readable_document
from server.auth.principal import Principal
from server.outputs import docx, html, markdown
from server.outputs.context import from_json, group_context
from server.outputs.model import DocumentAt, QuestionnaireSource, document_at
from server.outputs.parts import blocks
from server.outputs.schemas import MEDIA_TYPES, ExportQuery
from server.outputs.state import StateSource
from server.storage.models import utcnow

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Export:
    """An exported file: its bytes, media type and suggested file name."""

    body: bytes
    media_type: str
    filename: str


def filename(document: str, part: str, version: int | None, fmt: str) -> str:
    """``<document>-<part>-v<N|now>.<ext>`` (names are already file-safe; made so anyway)."""
    stem = f"{document}-{part}-v{'now' if version is None else version}"
    return f"{_UNSAFE.sub('_', stem)}.{fmt}"


class OutputService:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        states: StateSource,
        logger: logging.Logger,
        questionnaire: QuestionnaireSource | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._sessions = sessions
        self.states = states
        self.questionnaire = questionnaire
        # When "now" is: the date an export of the current text states (tests fix it).
        self.clock = clock
        self._log = logger

    async def model(self, actor: Principal, document: str, version: int | None) -> DocumentAt:
        """The document at ``version`` (None: now), with its group's context."""
        state = await self.states(actor, document, version)
        # The current text is dated by this service's clock (the one tests fix).
        at = self.clock() if version is None else state.created_at
        cutoff = None if version is None else at
        async with self._sessions() as db:
            ref = await readable_document(db, actor, document)
            if state.context is not None:  # frozen with the version: exactly as it was
                context = from_json(state.context)
            else:
                context = await group_context(db, ref.group_id, cutoff)
        if self.questionnaire is not None and ref.group_id is not None:
            figures = await self.questionnaire(ref.group_id, cutoff)
            if figures is not None:
                context = replace(context, questionnaire=figures)
        # Reading a 1 MB state is CPU work: off the event loop, like rendering below.
        return await asyncio.to_thread(
            partial(document_at, document, state.state, version=state.number,
                    label=state.label, at=at, context=context)
        )  # fmt: skip

    async def export(self, actor: Principal, document: str, query: ExportQuery) -> Export:
        """``query.part`` of ``document`` at ``query.version`` as a ``query.format`` file."""
        started = time.perf_counter()
        model = await self.model(actor, document, query.version)
        body = await asyncio.to_thread(render, model, query.part, query.format)
        self._log.info(
            "export %s %s v%s as %s: %d bytes in %.0f ms",
            document,
            query.part,
            query.version or "now",
            query.format,
            len(body),
            (time.perf_counter() - started) * 1000,
        )
        return Export(
            body=body,
            media_type=MEDIA_TYPES[query.format],
            filename=filename(document, query.part, query.version, query.format),
        )


def render(model: DocumentAt, part: str, fmt: str) -> bytes:
    """One part of ``model`` in one format, as the file's bytes."""
    content = blocks(model, part)
    if fmt == "md":
        return markdown.render(content).encode()
    if fmt == "html":
        return html.render(content, title=f"{model.title}: {part}").encode()
    if fmt == "docx":
        return docx.render(content, title=model.title, at=model.at)
    raise ValueError(f"unknown format {fmt!r}")
