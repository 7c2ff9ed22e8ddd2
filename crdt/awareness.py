"""Awareness (presence, cursors): the y-protocols awareness update codec and a registry.

An awareness update is a list of ``(client_id, clock, state_json)``; a state of
``null`` means the client left. The registry keeps the latest state per client
with Yjs' acceptance rule, so the server can answer a newcomer with everyone's
presence and announce a departure when a connection drops.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from crdt.encoding import DecodeError, Reader, write_var_string, write_var_uint

NULL_STATE = "null"


@dataclass(frozen=True, slots=True)
class AwarenessEntry:
    client_id: int
    clock: int
    state: str  # JSON text; "null" when the client has gone


def decode_update(update: bytes, *, max_state_bytes: int = 64 * 1024) -> list[AwarenessEntry]:
    """Decode and validate an awareness update (each state must be JSON)."""
    reader = Reader(update)
    count = reader.read_var_uint()
    if count > reader.remaining:
        raise DecodeError(f"awareness update claims {count} clients in {reader.remaining} bytes")
    entries = []
    for _ in range(count):
        client_id = reader.read_var_uint()
        clock = reader.read_var_uint()
        state = reader.read_var_string()
        if len(state) > max_state_bytes:
            raise DecodeError(f"awareness state of client {client_id} is too large")
        try:
            json.loads(state)
        except ValueError as exc:
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
    """The latest awareness state of every client of one document."""

    def __init__(self) -> None:
        self._entries: dict[int, AwarenessEntry] = {}

    def apply(self, entries: Iterable[AwarenessEntry]) -> list[AwarenessEntry]:
        """Apply entries by Yjs' rule; return those that changed something."""
        changed = []
        for entry in entries:
            current = self._entries.get(entry.client_id)
            if current is None:
                accept = entry.state != NULL_STATE
            else:
                accept = entry.clock > current.clock or (
                    entry.clock == current.clock
                    and entry.state == NULL_STATE
                    and current.state != NULL_STATE
                )
            if accept:
                self._entries[entry.client_id] = entry
                changed.append(entry)
        return changed

    def remove(self, client_ids: Iterable[int]) -> list[AwarenessEntry]:
        """Mark clients as gone (clock + 1, null state); return the removal entries."""
        removed = []
        for client_id in client_ids:
            current = self._entries.get(client_id)
            if current is None or current.state == NULL_STATE:
                continue
            entry = AwarenessEntry(client_id, current.clock + 1, NULL_STATE)
            self._entries[client_id] = entry
            removed.append(entry)
        return removed

    def get(self, client_id: int) -> AwarenessEntry | None:
        return self._entries.get(client_id)

    def present(self) -> list[AwarenessEntry]:
        """Entries of clients currently present (non-null state)."""
        return [e for e in self._entries.values() if e.state != NULL_STATE]

    def encode_present(self) -> bytes | None:
        """One update with every present client's state, or None when nobody is there."""
        present = self.present()
        return encode_update(present) if present else None
