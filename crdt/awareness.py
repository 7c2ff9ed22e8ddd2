"""Awareness (presence, cursors): the y-protocols awareness update codec and a registry.

An awareness update is a list of ``(client_id, clock, state_json)``; a state of
``null`` means the client left. The registry keeps the latest state per present
client with Yjs' acceptance rule, so the server can answer a newcomer with
everyone's presence and announce a departure when a connection drops. A client
that left is remembered only by its last clock, and only for a while (long
enough that a late echo of its old state cannot bring it back), so memory and
departure broadcasts stay proportional to who is actually there.
"""

from __future__ import annotations

import json
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from crdt.encoding import DecodeError, Reader, write_var_string, write_var_uint

NULL_STATE = "null"


class TooManyEntries(DecodeError):
    """An update lists more clients than the caller allows."""


class StateTooLarge(DecodeError):
    """One client's state is longer than the caller allows."""


@dataclass(frozen=True, slots=True)
class AwarenessEntry:
    client_id: int
    clock: int
    state: str  # JSON text; "null" when the client has gone


def entry_count(update: bytes) -> int:
    """How many entries ``update`` claims: read without decoding any of them."""
    return Reader(update).read_var_uint()


def decode_update(
    update: bytes,
    *,
    max_entries: int | None = None,
    max_state_bytes: int = 64 * 1024,
    parse_json: bool = True,
) -> list[AwarenessEntry]:
    """Decode an awareness update; refuse it whole if anything is out of bounds.

    The entry count is checked before any entry is read, and each state's length
    before it is decoded, so an oversized update costs next to nothing. With
    ``parse_json`` every state must also be JSON (a caller that validates the
    states it keeps can skip this for the rest).
    """
    reader = Reader(update)
    count = reader.read_var_uint()
    if max_entries is not None and count > max_entries:
        raise TooManyEntries(f"awareness update lists {count} clients; at most {max_entries}")
    if count > reader.remaining:
        raise DecodeError(f"awareness update claims {count} clients in {reader.remaining} bytes")
    entries = []
    for _ in range(count):
        client_id = reader.read_var_uint()
        clock = reader.read_var_uint()
        raw = reader.read_var_bytes()
        if len(raw) > max_state_bytes:
            raise StateTooLarge(
                f"awareness state of client {client_id} has {len(raw)} bytes;"
                f" at most {max_state_bytes}"
            )
        try:
            state = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DecodeError(f"awareness state of client {client_id} is not UTF-8") from exc
        if parse_json:
            try:
                json.loads(state)
            except (ValueError, RecursionError) as exc:
                raise DecodeError(f"awareness state of client {client_id} is not JSON") from exc
        entries.append(AwarenessEntry(client_id, clock, state))
    reader.expect_end()
    return entries


def encode_update(entries: Iterable[AwarenessEntry]) -> bytes:
    items = list(entries)
    parts = [write_var_uint(len(items))]
    for entry in items:
        parts.append(write_var_uint(entry.client_id))
        parts.append(write_var_uint(entry.clock))
        parts.append(write_var_string(entry.state))
    return b"".join(parts)


class AwarenessRegistry:
    """The latest awareness state of every present client of one document.

    A removal deletes the state and leaves a tombstone (the last clock) for
    ``tombstone_seconds``: an older state arriving late (clients echo what they
    hear) is then still recognised as stale. At most ``max_tombstones`` are kept;
    the oldest go first.
    """

    def __init__(
        self,
        *,
        tombstone_seconds: float = 30.0,
        max_tombstones: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._entries: dict[int, AwarenessEntry] = {}
        self._gone: OrderedDict[int, tuple[int, float]] = OrderedDict()  # id -> (clock, expiry)
        self.tombstone_seconds = tombstone_seconds
        self.max_tombstones = max_tombstones
        self.clock = clock  # replaceable: tests move time instead of waiting

    def accepts(self, entry: AwarenessEntry) -> bool:
        """Whether applying ``entry`` would change anything (Yjs' rule)."""
        current = self._entries.get(entry.client_id)
        if current is not None:
            return entry.clock > current.clock or (
                entry.clock == current.clock and entry.state == NULL_STATE
            )
        if entry.state == NULL_STATE:
            return False
        gone = self._gone.get(entry.client_id)
        return gone is None or entry.clock > gone[0] or gone[1] <= self.clock()

    def apply(self, entries: Iterable[AwarenessEntry]) -> list[AwarenessEntry]:
        """Apply entries by Yjs' rule; return those that changed something."""
        changed = []
        for entry in entries:
            if not self.accepts(entry):
                continue
            if entry.state == NULL_STATE:
                del self._entries[entry.client_id]
                self._bury(entry.client_id, entry.clock)
            else:
                self._gone.pop(entry.client_id, None)
                self._entries[entry.client_id] = entry
            changed.append(entry)
        return changed

    def remove(self, client_ids: Iterable[int]) -> list[AwarenessEntry]:
        """Remove clients (clock + 1, null state); return the removal entries."""
        removed = []
        for client_id in client_ids:
            current = self._entries.pop(client_id, None)
            if current is None:
                continue
            entry = AwarenessEntry(client_id, current.clock + 1, NULL_STATE)
            self._bury(client_id, entry.clock)
            removed.append(entry)
        return removed

    def _bury(self, client_id: int, clock: int) -> None:
        now = self.clock()
        self._gone.pop(client_id, None)
        self._gone[client_id] = (clock, now + self.tombstone_seconds)
        # Oldest first: expired ones (and any beyond the cap) are dropped here.
        while self._gone:
            oldest, (_, expiry) = next(iter(self._gone.items()))
            if expiry > now and len(self._gone) <= self.max_tombstones:
                break
            del self._gone[oldest]

    def get(self, client_id: int) -> AwarenessEntry | None:
        return self._entries.get(client_id)

    def present(self) -> list[AwarenessEntry]:
        """Entries of clients currently present."""
        return list(self._entries.values())

    @property
    def size(self) -> int:
        """Clients remembered at all: present ones plus tombstones."""
        return len(self._entries) + len(self._gone)

    def encode_present(self) -> bytes | None:
        """One update with every present client's state, or None when nobody is there."""
        present = self.present()
        return encode_update(present) if present else None
