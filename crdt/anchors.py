"""Where a comment points in the rolling text, surviving concurrent edits (pure pycrdt logic).

A comment targets the whole document, a whole paragraph, or a range of one
paragraph's text. A range anchor is stored as:

- ``start``: a sticky index on the range's first character, ``Assoc.AFTER``
  (it follows that character: text typed just before the range stays outside);
- ``end``: a sticky index on the range's last character, ``Assoc.BEFORE`` (it
  follows that character: text typed just after the range stays outside);
- ``chars``: the ids of the range's original characters, as runs
  ``(client, clock, count)`` (Yjs ids: what a sticky index stores);
- a W3C TextQuoteSelector (``exact``, ``prefix``, ``suffix``) to show the anchor
  or find its words again even once they are gone.

The anchor *is* its original characters. It resolves to the span from the first
to the last of them that still exist (text inserted between them is part of it,
text inserted at either edge is not); when every one is deleted it is
**detached**: shown with its quote, never moved to other words. Resolution reads
only the document, so every replica holding the same updates gets the same answer.

Offsets in this module's API are Python string (code point) indexes; pycrdt
counts UTF-8 bytes and Yjs ids count UTF-16 units, both converted here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pycrdt import Assoc, Doc, Text

from crdt.encoding import write_var_uint
from crdt.schema import has_paragraph, paragraph_records, text_root

CONTEXT = 32  # characters of prefix / suffix kept with the quote
MAX_RANGE = 10_000  # characters an anchor may span

Run = tuple[int, int, int]  # (client, clock of the first character, characters)


class AnchorError(ValueError):
    """The anchor cannot be made: ``field`` names the offending input."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Anchor:
    kind: str  # "document" | "paragraph" | "range"
    paragraph_id: str | None = None
    start: bytes | None = None
    end: bytes | None = None
    chars: tuple[Run, ...] = ()
    exact: str = ""
    prefix: str = ""
    suffix: str = ""

    def chars_json(self) -> str:
        return json.dumps([list(run) for run in self.chars])

    @staticmethod
    def runs_from_json(data: str | None) -> tuple[Run, ...]:
        if not data:
            return ()
        return tuple((int(c), int(k), int(n)) for c, k, n in json.loads(data))


@dataclass(frozen=True)
class Resolved:
    """Where an anchor is now: ``start``/``end``/``text`` while attached."""

    kind: str
    attached: bool
    paragraph_id: str | None = None
    start: int | None = None
    end: int | None = None
    text: str | None = None
    reason: str | None = None
    # For a detached range: where its quote appears now (a hint, never applied).
    found: dict[str, Any] | None = field(default=None)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"attached": self.attached, "detached": not self.attached}
        if self.attached and self.kind == "range":
            out.update(start=self.start, end=self.end, text=self.text)
        if self.reason:
            out["reason"] = self.reason
        if self.found:
            out["found"] = self.found
        return out


def _utf16(ch: str) -> int:
    return 2 if ord(ch) > 0xFFFF else 1


def _sticky(client: int, clock: int, assoc: Assoc) -> bytes:
    """A Yjs relative position (Yrs sticky index) on the character ``(client, clock)``."""
    return (
        b"\x00"
        + write_var_uint(client)
        + write_var_uint(clock)
        + (b"\x00" if assoc is Assoc.AFTER else b"A")
    )


def char_ids(text: Text) -> list[tuple[int, int]]:
    """The Yjs id ``(client, clock)`` of every character of ``text``, in order.

    pycrdt 0.14 indexes text in UTF-8 bytes and builds a sticky index's clock as
    the item's clock plus a *byte* offset, while Yjs clocks count UTF-16 units:
    past a non-ASCII character its ids name the wrong character (and may not
    resolve at all). So ids are derived here: a sticky index taken at an item's
    first character is exact; the next character belongs to the same item iff
    pycrdt's clock advanced by the previous character's byte length, and then its
    true clock is the previous one plus that character's UTF-16 length.
    """
    ids: list[tuple[int, int]] = []
    seen: tuple[int, int] | None = None
    offset = 0
    previous = ""
    for ch in str(text):
        client, clock = _item(text, offset)
        if seen == (client, clock - len(previous.encode())) and ids:
            ids.append((client, ids[-1][1] + _utf16(previous)))
        else:
            ids.append((client, clock))
        seen, previous = (client, clock), ch
        offset += len(ch.encode())
    return ids


def _item(text: Text, byte_offset: int) -> tuple[int, int]:
    item = text.sticky_index(byte_offset, Assoc.AFTER).to_json()["item"]
    return int(item["client"]), int(item["clock"])


def _paragraph_text(doc: Doc[Any], paragraph_id: str) -> Text | None:
    return text_root(doc, paragraph_id) if has_paragraph(doc, paragraph_id) else None


def create(
    doc: Doc[Any],
    paragraph_id: str | None = None,
    start: int | None = None,
    end: int | None = None,
) -> Anchor:
    """An anchor on the document, a paragraph, or ``[start, end)`` of a paragraph's text."""
    if paragraph_id is None:
        if start is not None or end is not None:
            raise AnchorError("anchor.paragraph_id", "a range needs its paragraph")
        return Anchor("document")
    text = _paragraph_text(doc, paragraph_id)
    if text is None:
        raise AnchorError("anchor.paragraph_id", f"no paragraph with id {paragraph_id!r}")
    if start is None and end is None:
        return Anchor("paragraph", paragraph_id)
    if start is None or end is None:
        raise AnchorError("anchor", "a range needs both start and end")
    value = str(text)
    if not 0 <= start < end <= len(value):
        raise AnchorError(
            "anchor",
            f"the range [{start}, {end}) is empty or outside the paragraph's text "
            f"(0 to {len(value)} characters)",
        )
    if end - start > MAX_RANGE:
        raise AnchorError("anchor", f"a range spans at most {MAX_RANGE} characters")
    ids = char_ids(text)[start:end]
    runs: list[list[int]] = []
    for i, (client, clock) in enumerate(ids):
        if runs and runs[-1][0] == client and ids[i - 1][1] + _utf16(value[start + i - 1]) == clock:
            runs[-1][2] += 1
        else:
            runs.append([client, clock, 1])
    return Anchor(
        "range",
        paragraph_id,
        start=_sticky(*ids[0], Assoc.AFTER),
        end=_sticky(*ids[-1], Assoc.BEFORE),
        chars=tuple((c, k, n) for c, k, n in runs),
        exact=value[start:end],
        prefix=value[max(0, start - CONTEXT) : start],
        suffix=value[end : end + CONTEXT],
    )


def _ids(anchor: Anchor) -> list[tuple[int, int]]:
    """The id of each original character, in order."""
    ids: list[tuple[int, int]] = []
    chars = iter(anchor.exact)
    for client, clock, count in anchor.chars:
        for _ in range(count):
            ids.append((client, clock))
            clock += _utf16(next(chars, "a"))
    return ids


class Resolver:
    """Resolves many anchors against one document state, reading each paragraph once."""

    def __init__(self, doc: Doc[Any]) -> None:
        self.doc = doc
        self._paragraphs: dict[str, tuple[str, dict[tuple[int, int], int]] | None] = {}

    def _paragraph(self, paragraph_id: str) -> tuple[str, dict[tuple[int, int], int]] | None:
        if paragraph_id not in self._paragraphs:
            text = _paragraph_text(self.doc, paragraph_id)
            self._paragraphs[paragraph_id] = (
                None
                if text is None
                else (str(text), {ident: i for i, ident in enumerate(char_ids(text))})
            )
        return self._paragraphs[paragraph_id]

    def resolve(self, anchor: Anchor) -> Resolved:
        if anchor.kind == "document":
            return Resolved("document", True)
        paragraph = self._paragraph(anchor.paragraph_id or "")
        if paragraph is None:
            found = _find_quote(self.doc, anchor)
            return Resolved(
                anchor.kind, False, anchor.paragraph_id, reason="paragraph deleted", found=found
            )
        if anchor.kind == "paragraph":
            return Resolved("paragraph", True, anchor.paragraph_id)
        value, positions = paragraph
        alive = [positions[i] for i in _ids(anchor) if i in positions]
        if not alive:
            found = _find_quote(self.doc, anchor)
            return Resolved(
                "range", False, anchor.paragraph_id, reason="its text was deleted", found=found
            )
        start, end = alive[0], alive[-1] + 1
        return Resolved("range", True, anchor.paragraph_id, start, end, value[start:end])


def resolve(doc: Doc[Any], anchor: Anchor) -> Resolved:
    """Where ``anchor`` is in ``doc`` now (or that it is detached, and why)."""
    return Resolver(doc).resolve(anchor)


def _find_quote(doc: Doc[Any], anchor: Anchor) -> dict[str, Any] | None:
    """Where the quote reads now, preferring its paragraph and matching context."""
    if anchor.kind != "range" or not anchor.exact:
        return None

    best: tuple[int, dict[str, Any]] | None = None
    for para in paragraph_records(doc):
        pid = para.id
        value = str(text_root(doc, pid))
        at = value.find(anchor.exact)
        while at >= 0:
            score = (pid == anchor.paragraph_id) * 4
            score += value[:at].endswith(anchor.prefix) * 2
            score += value[at + len(anchor.exact) :].startswith(anchor.suffix)
            if best is None or score > best[0]:
                best = (score, {"paragraph_id": pid, "start": at, "end": at + len(anchor.exact)})
            at = value.find(anchor.exact, at + 1)
    return best[1] if best else None
