"""Comments put back on their words when the server re-typed them.

A range anchor *is* its original characters (crdt/anchors.py). Two server actions
put the same words back as new characters:

- upgrading a v1 document (crdt/schema.py ``upgrade_v1``) copies every paragraph's
  text into a new Y.Text: its anchors would resolve as detached;
- the guard (server/rooms/guard.py) types back words a client deleted from a locked
  paragraph: an anchor on them would shrink to the characters that were not deleted.

The quote (exact text with prefix and suffix) still finds the words: a range whose
quote reads in its own paragraph (covering what is left of it) is anchored again there.
"""

from __future__ import annotations

import logging
from typing import Any

import pycrdt
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crdt import anchors, schema
from server.comments.format import anchor_of
from server.comments.models import Comment
from server.storage.models import Document


def reanchored(doc: pycrdt.Doc[Any], anchor: anchors.Anchor) -> anchors.Anchor | None:
    """A new anchor on the words ``anchor`` quotes, if they were re-typed: it is
    detached and its quote reads in its own paragraph, or it shrank and its quote
    reads around what is left of it. Else None (left as it is)."""
    if anchor.kind != "range" or not anchor.exact or anchor.paragraph_id is None:
        return None
    resolved = anchors.resolve(doc, anchor)
    if not resolved.attached:
        found = resolved.found
        if not found or found.get("paragraph_id") != anchor.paragraph_id:
            return None
        return anchors.create(doc, anchor.paragraph_id, found["start"], found["end"])
    if resolved.text == anchor.exact or resolved.start is None or resolved.end is None:
        return None
    value = str(schema.text_root(doc, anchor.paragraph_id))
    at = value.find(anchor.exact)
    while at >= 0:
        if at <= resolved.start and resolved.end <= at + len(anchor.exact):
            return anchors.create(doc, anchor.paragraph_id, at, at + len(anchor.exact))
        at = value.find(anchor.exact, at + 1)
    return None


async def reanchor_upgraded(
    sessions: async_sessionmaker[AsyncSession],
    logger: logging.Logger,
    document: str,
    doc: pycrdt.Doc[Any],
) -> int:
    """Re-anchor the document's range comments after its v1 upgrade; how many."""
    return await _reanchor(sessions, logger, document, doc, None, "after the v1 upgrade")


async def reanchor_restored(
    sessions: async_sessionmaker[AsyncSession],
    logger: logging.Logger,
    document: str,
    doc: pycrdt.Doc[Any],
    paragraphs: list[str],
) -> int:
    """Re-anchor range comments of locked paragraphs whose deleted words the guard
    typed back; how many."""
    return await _reanchor(sessions, logger, document, doc, paragraphs, "on re-typed words")


async def _reanchor(
    sessions: async_sessionmaker[AsyncSession],
    logger: logging.Logger,
    document: str,
    doc: pycrdt.Doc[Any],
    paragraphs: list[str] | None,
    why: str,
) -> int:
    moved = 0
    async with sessions.begin() as db:
        query = (
            select(Comment)
            .join(Document, Document.id == Comment.document_id)
            .where(Document.name == document, Comment.anchor_kind == "range")
        )
        if paragraphs is not None:
            query = query.where(Comment.paragraph_id.in_(paragraphs))
        for comment in (await db.scalars(query)).all():
            anchor = anchor_of(comment)
            made = None if anchor is None else reanchored(doc, anchor)
            if made is None:
                continue
            comment.start_sticky, comment.end_sticky = made.start, made.end
            comment.anchor_chars = made.chars_json()
            comment.quote_prefix, comment.quote_suffix = made.prefix, made.suffix
            moved += 1
    if moved:
        logger.info("document %s: %s comments re-anchored %s", document, moved, why)
    return moved
