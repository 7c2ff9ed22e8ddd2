"""The diff of two states of one document, by paragraph id and by Yjs item id (pure, no I/O).

Paragraphs are matched by id (``crdt/schema.py``: a paragraph's identity is its id
and its ``p:<id>`` text for ever), so moves, deletions, restores and governed-field
changes come straight from the two sides' ``index`` records. Text changes are
identity-exact: every character is a Yjs item with an id (client, clock) that never
changes, so walking the newer side's runs of a paragraph (``crdt.items.text_runs``,
which include deleted runs) and asking, for each piece, whether it is alive on
each side says exactly what happened to it:

- alive on both sides: ``equal``;
- alive only on the newer side: ``insert`` (by the owner of its client id);
- alive only on the older side: ``delete`` (its text from the older side's runs;
  by whoever deleted it, from the deletion records).

No text heuristics: two equal words typed by two people stay two people's words.
The older side's state is contained in the newer's (a document only grows; a
compaction keeps every item id), which is what makes the single walk complete.
Attribution needs the database, so this module returns pieces carrying item ids;
``attribute`` turns them into segments once the service has looked the ids up.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from crdt import items, schema
from server.revisions.reading import read_doc

GOVERNED = ("label", "section", "kind", "sequence", "proposers", "supporters")
Range = tuple[int, int, int]  # (client, clock, length)


@dataclass(frozen=True)
class Piece:
    """A run of characters with one fate: ``op`` equal, insert or delete."""

    op: str
    text: str
    client: int
    clock: int
    length: int  # Yjs clock units (UTF-16 code units)


@dataclass
class RawParagraph:
    """One paragraph of the diff, before attribution."""

    id: str
    before: schema.Paragraph | None
    after: schema.Paragraph | None
    position_before: int | None
    position_after: int | None
    pieces: list[Piece] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)


@dataclass
class RawDiff:
    paragraphs: list[RawParagraph]

    def inserted_clients(self) -> set[int]:
        return {p.client for para in self.paragraphs for p in para.pieces if p.op == "insert"}

    def deleted_ranges(self) -> list[Range]:
        return [
            (p.client, p.clock, p.length)
            for para in self.paragraphs
            for p in para.pieces
            if p.op == "delete"
        ]


def _is_text_root(name: str) -> bool:
    return name.startswith(schema.TEXT_PREFIX)


def _alive(runs: Sequence[items.Run]) -> dict[int, tuple[list[int], list[items.Run]]]:
    """Per client: the alive runs sorted by clock (and their first clocks, to bisect)."""
    by_client: dict[int, list[items.Run]] = {}
    for run in runs:
        if not run.deleted and run.text is not None:
            by_client.setdefault(run.client, []).append(run)
    out = {}
    for client, alive in by_client.items():
        alive.sort(key=lambda r: r.clock)
        out[client] = ([r.clock for r in alive], alive)
    return out


def _append(pieces: list[Piece], piece: Piece) -> None:
    """Add a piece, extending the last one when it continues it (same op, same client,
    next clock): long unchanged texts stay one piece."""
    if pieces:
        last = pieces[-1]
        if (
            last.op == piece.op
            and last.client == piece.client
            and last.clock + last.length == piece.clock
        ):
            pieces[-1] = Piece(
                last.op, last.text + piece.text, last.client, last.clock, last.length + piece.length
            )
            return
    pieces.append(piece)


def compare_text(older: Sequence[items.Run], newer: Sequence[items.Run]) -> list[Piece]:
    """The pieces of one paragraph's text: the newer side's runs in document order,
    each split where its aliveness on the older side changes."""
    alive = _alive(older)
    pieces: list[Piece] = []
    for run in newer:
        starts, runs = alive.get(run.client, ((), ()))
        pos, end = run.clock, run.clock + run.length
        i = max(0, bisect.bisect_right(starts, pos) - 1) if starts else 0
        while pos < end:
            a = runs[i] if i < len(runs) else None
            if a is not None and a.clock + a.length <= pos:
                i += 1
                continue
            if a is None or a.clock >= end:
                _piece(pieces, run, None, pos, end)
                break
            if a.clock > pos:
                _piece(pieces, run, None, pos, a.clock)
                pos = a.clock
            stop = min(end, a.clock + a.length)
            _piece(pieces, run, a, pos, stop)
            pos = stop
    return pieces


def _piece(pieces: list[Piece], run: items.Run, older: items.Run | None, s: int, e: int) -> None:
    """The piece ``[s, e)`` of ``run`` (newer side); ``older``: the older side's alive
    run covering it, None when it was not alive there."""
    alive_after = not run.deleted and run.text is not None
    if older is not None and alive_after:
        op, source = "equal", run
    elif alive_after:
        op, source = "insert", run
    elif older is not None:
        op, source = "delete", older
    else:
        return  # neither side had it
    assert source.text is not None
    text = items.slice16(source.text, s - source.clock, e - source.clock)
    _append(pieces, Piece(op, text, run.client, s, e - s))


def _unchanged(runs: Sequence[items.Run]) -> list[Piece]:
    """The pieces of a text both sides hold item for item (the common case: no walk)."""
    text = "".join(r.text for r in runs if not r.deleted and r.text is not None)
    return [Piece("equal", text, 0, 0, 0)] if text else []


def _changes(before: schema.Paragraph | None, after: schema.Paragraph | None) -> list[str]:
    if after is None or before is None:
        return ["added"] if before is None else ["deleted"]
    out = []
    if before.deleted and not after.deleted:
        out.append("restored")
    elif after.deleted and not before.deleted:
        out.append("deleted")
    elif before.status != after.status:
        out.append("status")
    if before.order != after.order:
        out.append("moved")
    out.extend(name for name in GOVERNED if getattr(before, name) != getattr(after, name))
    return out


def compare(older: bytes, newer: bytes) -> RawDiff:
    """Paragraph by paragraph, what changed from ``older`` to ``newer`` (in the newer
    document's order; paragraphs deleted on both sides or added and deleted between
    them are left out)."""
    a_doc, b_doc = read_doc(older), read_doc(newer)
    a_records = schema.paragraph_records(a_doc)
    b_records = schema.paragraph_records(b_doc)
    a_runs = items.text_runs(older, _is_text_root)
    b_runs = items.text_runs(newer, _is_text_root)
    a_by_id = {p.id: (i + 1, p) for i, p in enumerate(a_records)}
    out = []
    seen = set()
    for position, after in enumerate(b_records, start=1):
        seen.add(after.id)
        position_before, before = a_by_id.get(after.id, (None, None))
        if after.deleted and (before is None or before.deleted):
            continue
        name = schema.text_name(after.id)
        a_text, b_text = a_runs.get(name, []), b_runs.get(name, [])
        pieces = _unchanged(b_text) if a_text == b_text else compare_text(a_text, b_text)
        raw = RawParagraph(after.id, before, after, position_before, position, pieces)
        raw.changes = _changes(before, after)
        if any(p.op != "equal" for p in pieces):
            raw.changes.append("text")
        out.append(raw)
    for position_before, before in a_by_id.values():  # only if the sides were swapped
        if before.id not in seen and not before.deleted:
            name = schema.text_name(before.id)
            pieces = [
                Piece("delete", r.text or "", r.client, r.clock, r.length)
                for r in a_runs.get(name, [])
                if not r.deleted and r.text
            ]
            raw = RawParagraph(before.id, before, None, position_before, None, pieces)
            raw.changes = ["deleted", "text"] if pieces else ["deleted"]
            out.append(raw)
    return RawDiff(out)


# -- attribution -------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    op: str
    text: str
    author: Any  # the service's author value (compared for merging), None if unknown


Deleter = tuple[int, int, int, Any]  # (client, clock, length, author)


def attribute(
    pieces: Sequence[Piece],
    owner: Callable[[int], Any],
    deleters: Mapping[int, Sequence[Deleter]],
) -> list[Segment]:
    """Segments with their authors: an insert's is the owner of its client id, a
    delete's whoever deleted those ids (``deleters``: per client, sub-ranges sorted by
    clock); adjacent segments with the same op and author are merged."""
    out: list[Segment] = []
    for piece in pieces:
        if piece.op == "equal":
            _merge(out, Segment("equal", piece.text, None))
        elif piece.op == "insert":
            _merge(out, Segment("insert", piece.text, owner(piece.client)))
        else:
            for text, author in _split_deleted(piece, deleters.get(piece.client, ())):
                _merge(out, Segment("delete", text, author))
    return out


def _split_deleted(piece: Piece, ranges: Sequence[Deleter]) -> list[tuple[str, Any]]:
    """A deleted piece cut where its deleter changes (parts nobody recorded: None)."""
    parts: list[tuple[str, Any]] = []
    pos, end = piece.clock, piece.clock + piece.length

    def cut(s: int, e: int, author: Any) -> None:
        if e > s:
            parts.append((items.slice16(piece.text, s - piece.clock, e - piece.clock), author))

    for _client, clock, length, author in ranges:
        if clock + length <= pos:
            continue
        if clock >= end:
            break
        cut(pos, max(pos, clock), None)
        stop = min(end, clock + length)
        cut(max(pos, clock), stop, author)
        pos = stop
    cut(pos, end, None)
    return parts


def _merge(out: list[Segment], segment: Segment) -> None:
    if not segment.text:
        return
    if out and out[-1].op == segment.op and out[-1].author == segment.author:
        out[-1] = Segment(segment.op, out[-1].text + segment.text, segment.author)
    else:
        out.append(segment)
