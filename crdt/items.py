"""The items of each root Y.Text of a full-state update, in document order (YATA).

A diff between two versions of a document must be *identity-exact*: the same
character in both versions is the same Yjs item id (client, clock), so who typed
it and who deleted it come from the ids, never from comparing strings. pycrdt
exposes text, not items; ``text_runs`` rebuilds the items' order itself from the
structs of a v1 update, as Yjs would integrate them:

1. decode every struct (GC, items with their origin, right origin, parent and
   content), keeping strings and the length of everything else in clock units
   (UTF-16 code units for strings, as Yjs and Yrs count them);
2. cut structs wherever an origin ends, a right origin starts or a delete-set
   range begins or ends, once and for all: Yjs splits an item lazily when an
   origin points into it, and a split piece keeps its place (its origin is the
   piece before it), so splitting early changes no outcome and lets every id
   lookup be one dict access;
3. integrate the pieces in causal order (an explicit stack: an item waits for its
   client's previous struct, its origin and its right origin, as Yjs'
   ``readUpdate`` stack does) with Yjs' ``Item.integrate`` conflict resolution;
   an item's parent is named (a root) or inferred from its origin's item, so
   items of other types are followed just enough to know they are elsewhere;
4. walk each root text's list, merging adjacent pieces back into runs.

Only full-state updates (``Doc.get_update()``, or the store's snapshot and log
merged) can be read: a reference to an id the update lacks is a ``DecodeError``.
Formatting marks and embeds occupy clock units but are not characters: they
take part in the ordering and are left out of the runs.

References: yjs ``src/structs/Item.js`` (``getMissing``, ``integrate``,
``splitItem``), ``src/utils/encoding.js`` (``readClientsStructRefs``,
``integrateStructs``), and y-crdt's ``block.rs`` which mirrors them.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass

from crdt.encoding import DecodeError
from crdt.update_v1 import (
    _ANY,
    _DELETED,
    _EMBED,
    _FORMAT,
    _GC,
    _HAS_ORIGIN,
    _HAS_PARENT_SUB,
    _HAS_RIGHT_ORIGIN,
    _JSON,
    _SKIP,
    _STRING,
    _skip_bytes,
    _skip_content,
    _uint,
    read_delete_set,
)

# Contents that may sit in a Y.Text's sequence; anything else makes the root an array.
_TEXT_KINDS = frozenset({_STRING, _DELETED, _FORMAT, _EMBED})
_COUNTED = frozenset({_DELETED, _JSON, _ANY})  # length = the count that starts the content
_NEW, _PENDING, _DONE = 0, 1, 2


@dataclass(frozen=True, slots=True)
class Run:
    """Consecutive characters of one client, one after the other in the text."""

    client: int
    clock: int  # first clock of the run
    length: int  # in Yjs clock units (UTF-16 code units, as Yjs/Yrs encode)
    text: str | None  # the characters, None when the content was garbage-collected
    deleted: bool  # deleted in THIS state


def slice16(text: str, start: int, end: int) -> str:
    """``text`` between UTF-16 code unit offsets ``start`` and ``end``.

    A cut through a surrogate pair leaves U+FFFD in place of the broken half,
    as Yjs does when it splits a string there.
    """
    if text.isascii():
        return text[start:end]
    return text.encode("utf-16-le")[2 * start : 2 * end].decode("utf-16-le", "replace")


class _Item:
    """One struct (or a piece of one); GC structs are items with ``gc`` set."""

    __slots__ = (
        "client",
        "clock",
        "deleted",
        "gc",
        "kind",
        "left",
        "length",
        "nxt",
        "origin",
        "parent",
        "prev",
        "right",
        "root",
        "rorigin",
        "state",
        "sub",
        "text",
    )

    def __init__(
        self,
        client: int,
        clock: int,
        length: int,
        kind: int,
        origin: tuple[int, int] | None,
        rorigin: tuple[int, int] | None,
        parent: str | tuple[int, int] | None,
        sub: bool,
        text: str | None,
    ) -> None:
        self.client = client
        self.clock = clock
        self.length = length
        self.kind = kind
        self.origin = origin
        self.rorigin = rorigin
        self.parent = parent  # explicit parent: a root's name or a type item's id
        self.sub = sub  # a map entry (has a parentSub)
        self.text = text
        self.gc = kind == _GC
        self.deleted = kind == _DELETED or self.gc
        self.root: str | None = None  # resolved: the root it belongs to, None elsewhere
        self.left: _Item | None = None
        self.right: _Item | None = None
        self.prev: _Item | None = None  # the client's previous piece
        self.nxt: _Item | None = None  # the client's next piece
        self.state = _DONE if self.gc else _NEW

    def split(self, offset: int) -> _Item:
        """Cut at ``offset`` clock units; self keeps the left part, returns the right."""
        text = self.text
        right = _Item(
            self.client,
            self.clock + offset,
            self.length - offset,
            self.kind,
            (self.client, self.clock + offset - 1),
            self.rorigin,
            self.parent,
            self.sub,
            None if text is None else slice16(text, offset, self.length),
        )
        if text is not None:
            self.text = slice16(text, 0, offset)
        right.gc = self.gc
        right.deleted = self.deleted
        right.state = self.state
        self.length = offset
        return right


def _read_id(
    data: bytes, pos: int, ids: dict[bytes, tuple[int, int]]
) -> tuple[tuple[int, int], int]:
    """The id (client, clock) at ``pos`` and the position after it: the client looked up
    by its (up to five) bytes in ``ids``, a one-byte clock read inline."""
    key = data[pos : pos + 5]
    known = ids.get(key)
    if known is None:
        c, end = _uint(data, pos)
        if end - pos <= 5:
            ids[key] = (c, end - pos)
        pos = end
    else:
        c = known[0]
        pos += known[1]
    k = data[pos]
    if k < 0x80:
        pos += 1
    else:
        k, pos = _uint(data, pos)
    return (c, k), pos


def _decode(data: bytes) -> tuple[list[list[_Item]], list[tuple[int, int, int]]]:
    """The update's structs per client (in clock order) and its delete set.

    The hot loop reads one-byte var uints inline and looks client ids (five
    bytes for Yjs' 32-bit ids) up by their bytes (``_read_id``, for an origin and a
    right origin alike): a large state holds tens of thousands of structs, most
    naming an origin.
    """
    blocks: list[list[_Item]] = []
    ids: dict[bytes, tuple[int, int]] = {}  # up to 5 bytes at an id -> client, bytes used
    uint = _uint
    item = _Item
    read_id = _read_id
    try:
        clients, pos = uint(data, 0)
        for _ in range(clients):
            count, pos = uint(data, pos)
            client, pos = uint(data, pos)
            clock, pos = uint(data, pos)
            items: list[_Item] = []
            append = items.append
            for _ in range(count):
                info = data[pos]
                pos += 1
                kind = info & 0x1F
                if kind == _GC or kind == _SKIP:
                    length, pos = uint(data, pos)
                    if kind == _GC:
                        append(item(client, clock, length, _GC, None, None, None, False, None))
                    clock += length
                    continue
                origin = rorigin = None
                parent: str | tuple[int, int] | None = None
                sub = False
                if info & _HAS_ORIGIN:
                    origin, pos = read_id(data, pos, ids)
                if info & _HAS_RIGHT_ORIGIN:
                    rorigin, pos = read_id(data, pos, ids)
                if not info & (_HAS_ORIGIN | _HAS_RIGHT_ORIGIN):
                    named, pos = uint(data, pos)
                    if named == 1:
                        size, pos = uint(data, pos)
                        parent = data[pos : pos + size].decode("utf-8")
                        pos += size
                    else:
                        c, pos = uint(data, pos)
                        k, pos = uint(data, pos)
                        parent = (c, k)
                    if info & _HAS_PARENT_SUB:
                        pos = _skip_bytes(data, pos)
                        sub = True
                text = None
                if kind == _STRING:
                    size = data[pos]
                    if size < 0x80:
                        pos += 1
                    else:
                        size, pos = uint(data, pos)
                    end = pos + size
                    if end > len(data):
                        raise IndexError
                    text = data[pos:end].decode("utf-8")
                    pos = end
                    length = len(text) if text.isascii() else len(text.encode("utf-16-le")) >> 1
                elif kind in _COUNTED:
                    length = uint(data, pos)[0]
                    pos = _skip_content(data, pos, kind)
                else:
                    length = 1
                    pos = _skip_content(data, pos, kind)
                if length:
                    append(item(client, clock, length, kind, origin, rorigin, parent, sub, text))
                clock += length
            if items:
                blocks.append(items)
        deletes: list[tuple[int, int, int]] = []
        pos = read_delete_set(data, pos, deletes)
    except IndexError:
        raise DecodeError("update is truncated") from None
    except UnicodeDecodeError:
        raise DecodeError("a string in the update is not valid UTF-8") from None
    if pos != len(data):
        raise DecodeError("update is truncated or followed by unexpected bytes")
    return blocks, deletes


def _cut(
    blocks: list[list[_Item]], deletes: list[tuple[int, int, int]]
) -> tuple[dict[tuple[int, int], _Item], dict[tuple[int, int], _Item]]:
    """Split structs at every id boundary anything refers to.

    Returns the pieces by last id (origins) and by first id (right origins,
    delete ranges); links each piece to its client's previous and next. Most
    references already fall on a struct's boundary: only the others cut.
    """
    ends: dict[tuple[int, int], _Item] = {}
    starts: dict[tuple[int, int], _Item] = {}
    for items in blocks:
        client = items[0].client
        prev: _Item | None = None
        for it in items:
            it.prev = prev
            if prev is not None:
                prev.nxt = it
            starts[(client, it.clock)] = it
            ends[(client, it.clock + it.length - 1)] = it
            prev = it
    cuts: dict[int, set[int]] = {}
    for items in blocks:
        for it in items:
            origin = it.origin
            if origin is not None and origin not in ends:
                cuts.setdefault(origin[0], set()).add(origin[1] + 1)
            rorigin = it.rorigin
            if rorigin is not None and rorigin not in starts:
                cuts.setdefault(rorigin[0], set()).add(rorigin[1])
    for c, k, n in deletes:
        if (c, k) not in starts:
            cuts.setdefault(c, set()).add(k)
        if (c, k + n - 1) not in ends:
            cuts.setdefault(c, set()).add(k + n)
    for items in blocks:
        client = items[0].client
        wanted = cuts.get(client)
        if not wanted:
            continue
        points = sorted(wanted)
        j, total = 0, len(points)
        piece: _Item | None = items[0]
        while piece is not None and j < total:
            start = piece.clock
            end = start + piece.length
            while j < total and points[j] <= start:
                j += 1
            while j < total and points[j] < end:
                right = piece.split(points[j] - piece.clock)
                j += 1
                right.prev = piece
                right.nxt = piece.nxt
                if right.nxt is not None:
                    right.nxt.prev = right
                piece.nxt = right
                ends[(client, right.clock - 1)] = piece
                starts[(client, right.clock)] = right
                ends[(client, end - 1)] = right
                piece = right
            piece = piece.nxt
    for c, k, n in deletes:
        gone = starts.get((c, k))
        end = k + n
        while gone is not None and gone.clock < end:
            gone.deleted = True
            gone = gone.nxt
    return ends, starts


def text_runs(update: bytes, roots: Callable[[str], bool] | None = None) -> dict[str, list[Run]]:
    """Root text name -> its runs in document order (deleted runs included).

    Reconstructs Yjs/YATA order from the structs of a full-state update (as
    Doc.get_update() / the store's snapshot+log merge produce). ``roots``
    filters root names (e.g. ``lambda n: n.startswith("p:")``). A root is a
    text when its sequence holds only characters, collected ones, formatting
    marks and embeds (an emptied array is indistinguishable from an emptied
    text). Raises ``DecodeError`` on a malformed update or one that refers to
    ids it lacks.

    CPU-bound (about 100-200 ms for a 1 MB, 2,000-paragraph state): a server
    calls it off the event loop (``asyncio.to_thread``).
    """
    # Tens of thousands of small objects, none garbage until the end: the cyclic
    # collector would walk them again and again (a quarter of the time) for nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        blocks, deletes = _decode(update)
        ends, starts = _cut(blocks, deletes)
        wanted: dict[str, bool] = {}
        first: dict[str, _Item | None] = {}  # each wanted root's first item
        for items in blocks:
            piece: _Item | None = items[0]
            while piece is not None:
                if piece.state == _NEW:
                    _integrate_from(piece, ends, starts, wanted, first, roots)
                piece = piece.nxt
        return _runs(first)
    finally:
        if collecting:
            gc.enable()


def _integrate_from(
    item: _Item,
    ends: dict[tuple[int, int], _Item],
    starts: dict[tuple[int, int], _Item],
    wanted: dict[str, bool],
    first: dict[str, _Item | None],
    roots: Callable[[str], bool] | None,
) -> None:
    """Integrate ``item`` after everything it depends on (an explicit stack)."""
    item.state = _PENDING
    stack = [item]
    while stack:
        it = stack[-1]
        dep = it.prev
        if dep is not None and dep.state != _DONE:
            left = right = None
        else:
            dep = left = right = None
            if it.origin is not None:
                left = ends.get(it.origin)
                if left is None:
                    raise DecodeError(f"update lacks the origin {it.origin} (not a full state)")
                if left.state != _DONE:
                    dep = left
            if dep is None and it.rorigin is not None:
                right = starts.get(it.rorigin)
                if right is None:
                    raise DecodeError(f"update lacks the item {it.rorigin} (not a full state)")
                if right.state != _DONE:
                    dep = right
        if dep is not None:
            if dep.state == _PENDING:
                raise DecodeError("update's items depend on each other in a cycle")
            dep.state = _PENDING
            stack.append(dep)
            continue
        stack.pop()
        it.state = _DONE
        _place(it, left, right, ends, wanted, first, roots)


def _place(
    it: _Item,
    left: _Item | None,
    right: _Item | None,
    ends: dict[tuple[int, int], _Item],
    wanted: dict[str, bool],
    first: dict[str, _Item | None],
    roots: Callable[[str], bool] | None,
) -> None:
    """Yjs ``getMissing`` (the parent) and ``integrate`` (the place), for one piece
    whose origin's item is ``left`` and right origin's ``right``."""
    if (left is not None and left.gc) or (right is not None and right.gc):
        it.root = None  # Yjs turns it into GC: it belongs nowhere
        return
    if it.parent is None:
        near = left if left is not None else right
        if near is None:
            raise DecodeError("an item has neither a parent nor an origin")
        it.root = near.root
        it.sub = near.sub
    elif isinstance(it.parent, str):
        it.root = it.parent
    root = it.root
    if root is None or it.sub:
        return
    keep = wanted.get(root)
    if keep is None:
        keep = wanted[root] = roots is None or roots(root)
        if keep:
            first[root] = None
    if not keep:
        return
    if it.kind not in _TEXT_KINDS:
        wanted[root] = False  # an array, not a text
        del first[root]
        return
    if (left is None and (right is None or right.left is not None)) or (
        left is not None and left.right is not right
    ):
        o = left.right if left is not None else first[root]
        conflicting: set[_Item] = set()
        before: set[_Item] = set()
        origin, rorigin, client = it.origin, it.rorigin, it.client
        while o is not None and o is not right:
            before.add(o)
            conflicting.add(o)
            if origin == o.origin:
                if o.client < client:
                    left = o
                    conflicting.clear()
                elif rorigin == o.rorigin:
                    break
            elif o.origin is not None and ends[o.origin] in before:
                if ends[o.origin] not in conflicting:
                    left = o
                    conflicting.clear()
            else:
                break
            o = o.right
    it.left = left
    if left is not None:
        after = left.right
        left.right = it
    else:
        after = first[root]
        first[root] = it
    it.right = after
    if after is not None:
        after.left = it


def _runs(first: dict[str, _Item | None]) -> dict[str, list[Run]]:
    """Walk each root's list, merging adjacent pieces of one client back into runs."""
    out: dict[str, list[Run]] = {}
    for root, head in first.items():
        runs: list[Run] = []
        client = clock = length = -1
        deleted = False
        texts: list[str] | None = None
        it = head
        while it is not None:
            if it.kind == _STRING or it.kind == _DELETED:
                text = it.text
                if (
                    it.client == client
                    and it.clock == clock + length
                    and it.deleted == deleted
                    and (text is None) == (texts is None)
                ):
                    length += it.length
                    if texts is not None and text is not None:
                        texts.append(text)
                else:
                    if length > 0:
                        runs.append(
                            Run(
                                client,
                                clock,
                                length,
                                None if texts is None else "".join(texts),
                                deleted,
                            )
                        )
                    client, clock, length, deleted = it.client, it.clock, it.length, it.deleted
                    texts = None if text is None else [text]
            it = it.right
        if length > 0:
            runs.append(
                Run(client, clock, length, None if texts is None else "".join(texts), deleted)
            )
        out[root] = runs
    return out
