"""Test documents: the shared Y.Text most tests type into, stored state, and the
rolling text written server-side."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import pycrdt

from crdt import schema, updates
from server.rooms.manager import RoomManager
from server.storage import DocumentStore

T = TypeVar("T")

# The root Y.Text the tests' clients type into.
TEXT_ROOT = "t"


def typed(client_id: int, words: str, base: bytes | None = None) -> bytes:
    """The update of a replica with ``client_id`` that (after ``base``) types ``words``
    at the end of the shared text."""
    doc: pycrdt.Doc[Any] = pycrdt.Doc(client_id=client_id)
    if base is not None:
        doc.apply_update(base)
    before = doc.get_state()
    text = doc.get(TEXT_ROOT, type=pycrdt.Text)
    text.insert(len(text), words)
    return doc.get_update(before)


def text_of(doc: pycrdt.Doc[Any]) -> str:
    return str(doc.get(TEXT_ROOT, type=pycrdt.Text))


async def stored_text(store: DocumentStore, name: str) -> str:
    """The text as the database holds it (snapshot + log), decoded, not byte-searched."""
    stored = await store.load(name)
    assert stored is not None, f"no stored document {name!r}"
    return text_of(updates.doc_from_updates(stored.parts))


# -- the rolling text (model v2), written server-side ------------------------------
#
# Clients may not write the paragraph index (rooms/guard.py puts it back), so tests
# seed and restructure the rolling text as the server's commands do: through the
# room manager, as a server change every connected client receives.


async def server_change(
    rooms: RoomManager, document: str, change: Callable[[pycrdt.Doc[Any]], T]
) -> T:
    """Run ``change`` on the live document as the server; its result, once durable."""
    result: list[T] = []
    await rooms.apply(document, lambda doc: result.append(change(doc)))
    return result[0]


async def seed_paragraphs(
    rooms: RoomManager, document: str, specs: Sequence[schema.ParagraphSpec]
) -> list[str]:
    """Add paragraphs (in order, at the end) server-side; their ids."""

    def add(doc: pycrdt.Doc[Any]) -> list[str]:
        with doc.transaction():
            return [schema.add_paragraph(doc, spec) for spec in specs]

    return await server_change(rooms, document, add)


async def set_status(rooms: RoomManager, document: str, paragraph: str, status: str) -> None:
    """Set a paragraph's status server-side (as the status command does)."""
    await server_change(
        rooms, document, lambda doc: schema.update_paragraph(doc, paragraph, status=status)
    )


async def move_paragraph(
    rooms: RoomManager, document: str, paragraph: str, *, after: str | None
) -> None:
    """Move a paragraph server-side (as the move command does): its text is untouched."""
    await server_change(
        rooms, document, lambda doc: schema.move_paragraph(doc, paragraph, after=after)
    )


def paragraph_texts(doc: pycrdt.Doc[Any]) -> list[tuple[str, str]]:
    """(label, text) of every paragraph, in document order."""
    return [(p.label, str(schema.text_root(doc, p.id))) for p in schema.paragraph_records(doc)]


def replica_state(doc: pycrdt.Doc[Any]) -> dict[str, Any]:
    """A replica's rolling text as plain JSON (meta, index, opinions, each paragraph's
    text): what tests/node/governed.mjs reports for its replicas (ints and floats alike)."""
    index = dict(schema.index(doc).items())
    plain = {
        "meta": dict(schema.meta(doc).items()),
        "index": index,
        "opinions": dict(schema.opinions_root(doc).items()),
        "texts": {pid: str(schema.text_root(doc, pid)) for pid in index},
    }
    parsed: dict[str, Any] = json.loads(json.dumps(plain))
    return parsed
