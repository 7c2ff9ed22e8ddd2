"""Reading test documents: the shared Y.Text most tests type into, and stored state."""

from __future__ import annotations

from typing import Any

import pycrdt

from crdt import updates
from server.storage import DocumentStore

# The root Y.Text the tests' clients type into.
TEXT_ROOT = "t"


def text_of(doc: pycrdt.Doc[Any]) -> str:
    return str(doc.get(TEXT_ROOT, type=pycrdt.Text))


async def stored_text(store: DocumentStore, name: str) -> str:
    """The text as the database holds it (snapshot + log), decoded, not byte-searched."""
    stored = await store.load(name)
    assert stored is not None, f"no stored document {name!r}"
    return text_of(updates.doc_from_updates(stored.parts))
