"""Where a Yjs update (v1 encoding) ends: a structural walk that skips over contents.

Yrs decodes a valid update and ignores whatever follows it, so an update with a
megabyte of garbage appended applies cleanly and would be stored and broadcast
whole. ``encoded_length`` walks the update's structure (structs, then the delete
set) without building anything, skipping strings and binary contents by their
declared lengths, so its cost grows with the number of structs, not bytes.

The same walk lists the Yjs client ids whose structs the update carries
(``struct_clients``): authorship (who typed what) is recorded from them at no
extra decoding cost, since the room already walks every update it applies.
The same walk also reads the delete set on request (``delete_set``): which items
an update deletes, recorded as its sender's deletions.

The layout follows Yjs' ``UpdateDecoderV1`` (``readClientsStructRefs``,
``readItemContent``, ``readDeleteSet``) and lib0's ``readAny``.
"""

from __future__ import annotations

from crdt.encoding import DecodeError

# Low five bits of a struct's info byte: what it is and which content follows.
_GC = 0
_SKIP = 10
_DELETED, _JSON, _BINARY, _STRING, _EMBED, _FORMAT, _TYPE, _ANY, _DOC = range(1, 10)
_HAS_ORIGIN = 0x80
_HAS_RIGHT_ORIGIN = 0x40
_HAS_PARENT_SUB = 0x20
# ContentType refs: Yjs knows 0-6 (array, map, text, xml element, fragment, hook,
# xml text); the element and the hook are followed by a name. Yrs knows more refs
# whose extra fields Yjs cannot read: refused, so the walk never guesses a layout.
_NAMED_TYPE_REFS = frozenset({3, 5})
_LAST_TYPE_REF = 6
# lib0 ``writeAny`` tags (127 - index in its lookup table).
_ANY_UNDEFINED, _ANY_NULL, _ANY_INT, _ANY_F32, _ANY_F64, _ANY_BIGINT = range(127, 121, -1)
_ANY_FALSE, _ANY_TRUE, _ANY_STRING, _ANY_OBJECT, _ANY_ARRAY, _ANY_BYTES = range(121, 115, -1)
# Yjs' own encoder recurses per nesting level (as does Yrs' decoder); nothing a
# client writes nests anywhere near this, and refusing deeper values keeps a
# hostile update from exhausting a native stack.
MAX_ANY_DEPTH = 256


def _uint(data: bytes, pos: int) -> tuple[int, int]:
    """A lib0 var uint at ``pos``: its value and the position after it."""
    byte = data[pos]
    if byte < 0x80:
        return byte, pos + 1
    result, shift = byte & 0x7F, 7
    while True:
        pos += 1
        byte = data[pos]
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, pos + 1
        shift += 7
        if shift > 63:
            raise DecodeError("variable-length integer too large in update")


def encoded_length(update: bytes) -> int:
    """Bytes the v1-encoded update at the start of ``update`` occupies.

    Raises ``DecodeError`` when the structure is malformed or truncated.
    """
    return scan(update)[0]


def struct_clients(update: bytes) -> list[int]:
    """The Yjs client ids that created the structs of ``update``, in encoded order.

    Only the struct section counts: the delete set names the clients whose items
    were deleted, not who deleted them. Refuses malformed input and trailing bytes
    (``DecodeError``), like ``check_no_trailing_bytes``.
    """
    return check_no_trailing_bytes(update)


def scan(update: bytes, deletes: list[tuple[int, int, int]] | None = None) -> tuple[int, list[int]]:
    """One walk of the update: its encoded length and the client ids of its structs.

    When ``deletes`` is given, the delete set's ranges are appended to it on the
    way (see ``delete_set``).

    Raises ``DecodeError`` when the structure is malformed or truncated. Reading
    past the end raises ``IndexError`` wherever it happens, so the loops need no
    bounds checks of their own; the one loop that runs per struct is written out
    inline because an update may hold hundreds of thousands of structs.
    """
    data = update
    owners: list[int] = []
    try:
        clients, pos = _uint(data, 0)
        for _ in range(clients):
            structs, pos = _uint(data, pos)
            client, pos = _uint(data, pos)
            _, pos = _uint(data, pos)  # first clock
            if structs:
                owners.append(client)
            for _ in range(structs):
                info = data[pos]
                pos += 1
                kind = info & 0x1F
                if kind == _GC or kind == _SKIP:
                    _, pos = _uint(data, pos)  # length
                    continue
                if info & _HAS_ORIGIN:
                    pos = _skip_id(data, pos)
                if info & _HAS_RIGHT_ORIGIN:
                    pos = _skip_id(data, pos)
                if not info & (_HAS_ORIGIN | _HAS_RIGHT_ORIGIN):
                    named, pos = _uint(data, pos)
                    if named == 1:  # parent is a root type, by name
                        pos = _skip_bytes(data, pos)
                    else:  # parent is an item, by id
                        pos = _skip_id(data, pos)
                    if info & _HAS_PARENT_SUB:
                        pos = _skip_bytes(data, pos)
                if kind == _STRING:
                    pos = _skip_bytes(data, pos)
                else:
                    pos = _skip_content(data, pos, kind)
        pos = read_delete_set(data, pos, deletes)
    except IndexError:
        raise DecodeError("update is truncated") from None
    if pos > len(data):
        raise DecodeError("update is truncated (a declared length exceeds the bytes left)")
    return pos, owners


def delete_set(update: bytes) -> list[tuple[int, int, int]]:
    """(client, clock, length) ranges of the update's delete set, as encoded.

    The ids name the *deleted* items (whoever created them), not who deleted
    them. Refuses malformed input and trailing bytes (``DecodeError``).
    """
    deletes: list[tuple[int, int, int]] = []
    end, _ = scan(update, deletes)
    if end != len(update):
        raise DecodeError(f"{len(update) - end} unexpected bytes after the update")
    return deletes


def read_delete_set(data: bytes, pos: int, deletes: list[tuple[int, int, int]] | None) -> int:
    """Walk the delete set at ``pos``; append its ranges to ``deletes`` unless None.

    Returns the position after it. ``IndexError`` when truncated (callers map it).
    """
    clients, pos = _uint(data, pos)
    for _ in range(clients):
        client, pos = _uint(data, pos)
        ranges, pos = _uint(data, pos)
        if deletes is None:
            for _ in range(ranges):
                pos = _skip_id(data, pos)  # clock and length: two var uints as well
            continue
        for _ in range(ranges):
            clock, pos = _uint(data, pos)
            length, pos = _uint(data, pos)
            deletes.append((client, clock, length))
    return pos


def check_no_trailing_bytes(
    update: bytes, deletes: list[tuple[int, int, int]] | None = None
) -> list[int]:
    """Refuse an update followed by anything (``DecodeError``).

    Returns the client ids of the update's structs (``struct_clients``), found
    on the way; appends its delete set's ranges to ``deletes`` if given.
    """
    end, owners = scan(update, deletes)
    if end != len(update):
        raise DecodeError(f"{len(update) - end} unexpected bytes after the update")
    return owners


def _skip_id(data: bytes, pos: int) -> int:
    """Two var uints (an id: client and clock)."""
    while data[pos] & 0x80:
        pos += 1
    pos += 1
    while data[pos] & 0x80:
        pos += 1
    return pos + 1


def _skip_bytes(data: bytes, pos: int) -> int:
    """A var-length byte string (lib0 ``writeVarString`` / ``writeVarUint8Array``)."""
    length, pos = _uint(data, pos)
    return pos + length


def _skip_content(data: bytes, pos: int, kind: int) -> int:
    if kind == _BINARY or kind == _EMBED:
        return _skip_bytes(data, pos)
    if kind == _DELETED:
        return _uint(data, pos)[1]
    if kind == _JSON:
        count, pos = _uint(data, pos)
        for _ in range(count):
            pos = _skip_bytes(data, pos)
        return pos
    if kind == _ANY:
        count, pos = _uint(data, pos)
        for _ in range(count):
            pos = _skip_any(data, pos)
        return pos
    if kind == _FORMAT:
        return _skip_bytes(data, _skip_bytes(data, pos))  # key, JSON value
    if kind == _TYPE:
        ref, pos = _uint(data, pos)
        if ref > _LAST_TYPE_REF:
            raise DecodeError(f"unknown shared type {ref} in update")
        return _skip_bytes(data, pos) if ref in _NAMED_TYPE_REFS else pos
    if kind == _DOC:
        return _skip_any(data, _skip_bytes(data, pos))  # guid, options
    raise DecodeError(f"unknown content kind {kind} in update")


def _skip_any(data: bytes, pos: int) -> int:
    """One lib0 ``writeAny`` value; nested containers are walked without recursion."""
    levels = [(1, False)]  # per open container: values left, whether keys precede them
    while levels:
        left, keyed = levels[-1]
        if left == 0:
            levels.pop()
            continue
        levels[-1] = (left - 1, keyed)
        if keyed:
            pos = _skip_bytes(data, pos)  # an object entry's key
        tag = data[pos]
        pos += 1
        if tag in (_ANY_UNDEFINED, _ANY_NULL, _ANY_FALSE, _ANY_TRUE):
            continue
        if tag == _ANY_INT:
            while data[pos] & 0x80:
                pos += 1
            pos += 1
        elif tag == _ANY_F32:
            pos += 4
        elif tag in (_ANY_F64, _ANY_BIGINT):
            pos += 8
        elif tag in (_ANY_STRING, _ANY_BYTES):
            pos = _skip_bytes(data, pos)
        elif tag in (_ANY_ARRAY, _ANY_OBJECT):
            if len(levels) > MAX_ANY_DEPTH:  # levels[0] is the value itself
                raise DecodeError(f"a value in the update nests deeper than {MAX_ANY_DEPTH}")
            count, pos = _uint(data, pos)
            levels.append((count, tag == _ANY_OBJECT))
        else:
            raise DecodeError(f"unknown value tag {tag} in update")
    return pos
