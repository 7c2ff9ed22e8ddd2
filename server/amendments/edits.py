"""What deciding an amendment does to the text (pure pycrdt logic, no I/O).

- ``accept``: the proposed change, made as ONE edit with a Yjs client id of its
  own (``edit_as``), so the authorship map can attribute its characters to the
  proposer and nobody else;
- ``bracket``: the anchored words become ``[original] [proposed]`` (the original
  characters stay where they are, with their authors), one server edit;
- both act on the words the anchor resolves to *now* (its Yjs ids), so concurrent
  edits before or after them never move the change.

Offsets are code points; pycrdt indexes text in UTF-8 bytes (converted here).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pycrdt

from crdt import anchors, schema, updates


@dataclass(frozen=True)
class Target:
    """Where an amendment applies now: its anchored words (``start``..``end``)."""

    paragraph: str
    start: int
    end: int
    words: str


def locate(doc: pycrdt.Doc[Any], anchor: anchors.Anchor) -> Target | None:
    """The anchored words now, or None when they are all gone (detached)."""
    resolved = anchors.resolve(doc, anchor)
    if not resolved.attached or resolved.start is None or resolved.end is None:
        return None
    return Target(anchor.paragraph_id or "", resolved.start, resolved.end, resolved.text or "")


def outdated(anchor: anchors.Anchor, target: Target | None) -> bool:
    """The anchored words differ from the quote, or are gone."""
    return target is None or target.words != anchor.exact


def proposed_words(kind: str, words: str, text: str) -> str:
    """What the anchored words would read after the change."""
    if kind == "replace":
        return text
    if kind == "insert":
        return words + text
    return ""


def _byte(value: str, index: int) -> int:
    return len(value[:index].encode())


def change(text: pycrdt.Text, target: Target, kind: str, words: str) -> None:
    """Replace, insert after, or delete the target's words in ``text``."""
    value = str(text)
    start, end = _byte(value, target.start), _byte(value, target.end)
    if kind == "insert":
        text.insert(end, words)
        return
    del text[start:end]
    if kind == "replace":
        text.insert(start, words)


def fresh_client(doc: pycrdt.Doc[Any]) -> int:
    """A 32-bit Yjs client id nobody has written with in ``doc``."""
    taken = updates.decode_state_vector(doc.get_state())
    while True:
        client = secrets.randbits(32)
        if client not in taken and client != doc.client_id:
            return client


def edit_as(doc: pycrdt.Doc[Any], client: int, edit: Callable[[pycrdt.Doc[Any]], None]) -> bytes:
    """Make ``edit`` on ``doc`` as Yjs client ``client`` (one transaction); the update.

    A replica with that client id makes the edit on a copy of ``doc``; the copy's
    new structs are then applied to ``doc`` (whose own client id is untouched).
    """
    side: pycrdt.Doc[Any] = pycrdt.Doc(client_id=client)
    side.apply_update(doc.get_update())
    before = side.get_state()
    with side.transaction():
        edit(side)
    update = side.get_update(before)
    doc.apply_update(update)
    return update


def accept(doc: pycrdt.Doc[Any], target: Target, kind: str, words: str, client: int) -> bytes:
    """Apply the proposed change as client ``client``; the update it made."""

    def edit(side: pycrdt.Doc[Any]) -> None:
        change(schema.text_root(side, target.paragraph), target, kind, words)

    return edit_as(doc, client, edit)


def bracket(doc: pycrdt.Doc[Any], target: Target, kind: str, words: str) -> tuple[str, str]:
    """Make the target ``[original] [proposed]`` (original characters kept in place);
    (original, proposed)."""
    original = target.words
    proposed = proposed_words(kind, original, words)
    text = schema.text_root(doc, target.paragraph)
    value = str(text)
    start, end = _byte(value, target.start), _byte(value, target.end)
    with doc.transaction():
        text.insert(end, f"] [{proposed}]")
        text.insert(start, "[")
    return original, proposed
