"""Comments anchored in a model-v1 document, put back on their words after the upgrade.

Upgrading a v1 document (crdt/schema.py ``upgrade_v1``) copies every paragraph's
text into a new Y.Text: the words are the same, their Yjs ids are not, so a range
anchor (which *is* its original characters) would resolve as detached. Its quote
(exact text with prefix and suffix) still finds them: a range whose quote reads in
its own paragraph is anchored again there, once, when the room is upgraded.
"""

from __future__ import annotations

import logging
from typing import Any

import pycrdt
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crdt import anchors
from server.comments.format import anchor_of
from server.comments.models import Comment
from server.storage.models import Document


def reanchored(doc: pycrdt.Doc[Any], anchor: anchors.Anchor) -> anchors.Anchor | None:
    """A new anchor on the words ``anchor`` quotes, if it is detached and its quote
    reads in its own paragraph; else None (left as it is)."""
    if anchor.kind != "range" or not anchor.exact:
        return None
    resolved = anchors.resolve(doc, anchor)
    found = resolved.found
    if resolved.attached or not found or found.get("paragraph_id") != anchor.paragraph_id:
        return None
    return anchors.create(doc, anchor.paragraph_id, found["start"], found["end"])


async def reanchor_upgraded(
    sessions: async_sessionmaker[AsyncSession],
    logger: logging.Logger,
    document: str,
    doc: pycrdt.Doc[Any],
) -> int:
    """Re-anchor the document's detached range comments after its v1 upgrade; how many."""
    moved = 0
    async with sessions.begin() as db:
        rows = (
            await db.scalars(
                select(Comment)
                .join(Document, Document.id == Comment.document_id)
                .where(Document.name == document, Comment.anchor_kind == "range")
            )
        ).all()
        for comment in rows:
            anchor = anchor_of(comment)
            made = None if anchor is None else reanchored(doc, anchor)
            if made is None:
                continue
            comment.start_sticky, comment.end_sticky = made.start, made.end
            comment.anchor_chars = made.chars_json()
            comment.quote_prefix, comment.quote_suffix = made.prefix, made.suffix
            moved += 1
    if moved:
        logger.info("document %s: %s comments re-anchored after the v1 upgrade", document, moved)
    return moved
