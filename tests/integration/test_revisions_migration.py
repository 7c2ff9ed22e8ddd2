"""Migration 0010 on real SQLite and PostgreSQL: versions frozen before it (at sessions'
ends) are numbered per document in the order they were made, kind session_end,
with their paragraphs counted from their state; a number is then unique per document."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from crdt import schema, updates
from server.storage import create_engine, upgrade
from tests.integration.test_storage import db_url

__all__ = ["db_url"]  # the fixture, shared with test_storage


def _state(paragraphs: int, deleted: int = 0) -> bytes:
    doc = updates.new_doc()
    for i in range(paragraphs):
        status = "deleted" if i < deleted else "draft"
        schema.add_paragraph(doc, schema.ParagraphSpec(f"OP{i}", "A", text="x", status=status))
    return doc.get_update()


async def test_existing_versions_are_numbered_and_counted(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        await upgrade(engine, revision="0009")
        rows = [("a", _state(2)), ("b", _state(3, deleted=1)), ("a", _state(4)), ("a", b"junk")]
        async with engine.begin() as conn:
            for document, state in rows:
                await conn.execute(
                    text(
                        "INSERT INTO document_versions (document, label, state, created_by,"
                        " created_at) VALUES (:d, 'end', :s, 'cli', CURRENT_TIMESTAMP)"
                    ),
                    {"d": document, "s": state},
                )
        await upgrade(engine)
        async with engine.connect() as conn:
            got = (
                await conn.execute(
                    text(
                        "SELECT document, number, kind, paragraphs FROM document_versions"
                        " ORDER BY id"
                    )
                )
            ).all()
        assert [tuple(r) for r in got] == [
            ("a", 1, "session_end", 2),
            ("b", 1, "session_end", 2),
            ("a", 2, "session_end", 4),
            ("a", 3, "session_end", 0),
        ]
        with pytest.raises(IntegrityError):
            async with engine.begin() as conn:
                await conn.execute(
                    text(
                        "INSERT INTO document_versions (document, number, kind, label, state,"
                        " paragraphs, created_by, created_at) VALUES ('a', 2, 'issued', 'x',"
                        " :s, 0, 'cli', CURRENT_TIMESTAMP)"
                    ),
                    {"s": b""},
                )
    finally:
        await engine.dispose()
