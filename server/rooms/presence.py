"""A room's presence: bounded, owned and validated awareness.

Three rules keep one connection from flooding or impersonating:

* **Bounded.** A message over ``awareness_max_message_bytes`` or listing more
  than ``awareness_max_entries`` clients is refused before any entry is read; it
  is charged to the connection's token bucket (1 + entries/16 tokens) before it
  is decoded; a state over ``awareness_max_state_bytes`` refuses the message; a
  connection owns at most ``awareness_max_states_per_connection`` client ids.
* **Owned.** A client id belongs to the first live connection of this process
  that publishes it, until that connection leaves or publishes ``null`` for it.
  Entries another connection sends for it (stock clients echo everything they
  hear, so these are normal) are ignored when they would change nothing and
  dropped, counted, when they would: a follower cannot replace or remove a
  member's presence. Ids announced by another process (over the bus) are owned
  there. A new connection of the *same* signed-in person takes its ids over (a
  tab reconnecting before the server noticed its old connection died).
* **Validated.** A kept state must be a JSON object; its ``user`` (if any) an
  object whose ``name`` is a bounded string and whose ``color``/``colorLight``
  are plain hex colours. The server then writes the identity itself: ``name``
  ("Name (Delegation)"), ``person`` and ``delegation`` come from the
  connection's principal, and ``color``/``colorLight`` from the delegation's
  colour (server/groups/colours.py; a neutral grey for read-only connections and
  people of no delegation), so no two delegations' cursors look alike and nobody
  wears another's colour; any other ``user`` field is dropped. Nobody can appear
  as someone else (an anonymous follower is "remote participant").

A refused message changes nothing. Only the few states a connection owns are
parsed; everything else is length-checked and compared by clock.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from crdt.awareness import (
    NULL_STATE,
    AwarenessEntry,
    AwarenessRegistry,
    StateTooLarge,
    TooManyEntries,
    decode_update,
    entry_count,
)
from crdt.encoding import DecodeError
from server.auth.principal import Principal
from server.errors import BadInput, BadPresence, PresenceTooLarge
from server.groups.colours import NEUTRAL, light
from server.ratelimit import TokenBucket
from server.rooms.peer import Peer
from server.settings import Settings

HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})")
COLOUR_FIELDS = ("color", "colorLight")
ENTRIES_PER_TOKEN = 16


def same_person(a: Principal, b: Principal) -> bool:
    """Two connections of one signed-in person (never true for anonymous readers)."""
    if a.anonymous or b.anonymous:
        return False
    if a.person_id is not None or b.person_id is not None:
        return a.person_id == b.person_id
    return (a.name, a.role, a.group_id) == (b.name, b.role, b.group_id)


class Presence:
    def __init__(self, settings: Settings, logger: logging.Logger, room_name: str) -> None:
        self.registry = AwarenessRegistry(tombstone_seconds=settings.awareness_tombstone_seconds)
        self._settings = settings
        self._log = logger
        self._room = room_name
        self._owners: dict[int, Peer] = {}
        self.dropped_foreign = 0  # entries refused because another connection owns the id

    def join(self, peer: Peer) -> None:
        s = self._settings
        peer.awareness_budget = TokenBucket(s.awareness_tokens_per_second, s.awareness_burst_tokens)

    def leave(self, peer: Peer) -> list[AwarenessEntry]:
        """The peer's departure: its states removed, its ids released."""
        for client_id in peer.awareness_ids:
            if self._owners.get(client_id) is peer:
                del self._owners[client_id]
        removed = self.registry.remove(peer.awareness_ids)
        peer.awareness_ids.clear()
        return removed

    def receive(self, peer: Peer, update: bytes) -> list[AwarenessEntry]:
        """Apply what ``peer`` may change in ``update``; return the entries that changed.

        Raises ``PresenceTooLarge``, ``RateLimited``, ``BadPresence`` or ``BadInput``
        (malformed), having changed nothing.
        """
        s = self._settings
        if len(update) > s.awareness_max_message_bytes:
            raise PresenceTooLarge(
                f"awareness message of {len(update)} bytes; at most {s.awareness_max_message_bytes}"
            )
        try:
            count = entry_count(update)
        except DecodeError as exc:
            raise BadInput(f"malformed awareness update: {exc}") from exc
        if count > s.awareness_max_entries:
            raise PresenceTooLarge(
                f"awareness update lists {count} clients; at most {s.awareness_max_entries}"
            )
        if peer.awareness_budget is not None:
            peer.awareness_budget.take(1 + count // ENTRIES_PER_TOKEN, "awareness updates")
        try:
            entries = decode_update(
                update,
                max_entries=s.awareness_max_entries,
                max_state_bytes=s.awareness_max_state_bytes,
                parse_json=False,
            )
        except (TooManyEntries, StateTooLarge) as exc:
            raise PresenceTooLarge(str(exc)) from exc
        except DecodeError as exc:
            raise BadInput(f"malformed awareness update: {exc}") from exc
        mine = self._owned_changes(peer, entries)
        if not mine:
            return []
        owned = set(peer.awareness_ids)
        for entry in mine:
            if entry.state == NULL_STATE:
                owned.discard(entry.client_id)
            else:
                owned.add(entry.client_id)
        if len(owned) > s.awareness_max_states_per_connection:
            raise PresenceTooLarge(
                f"a connection may publish at most {s.awareness_max_states_per_connection}"
                " presence states"
            )
        checked = [self._checked(peer, entry) for entry in mine]
        changed = self.registry.apply(checked)
        for entry in changed:
            if entry.state == NULL_STATE:
                self._owners.pop(entry.client_id, None)
                peer.awareness_ids.discard(entry.client_id)
            else:
                previous = self._owners.get(entry.client_id)
                if previous is not None and previous is not peer:
                    previous.awareness_ids.discard(entry.client_id)
                self._owners[entry.client_id] = peer
                peer.awareness_ids.add(entry.client_id)
        return changed

    def receive_remote(self, update: bytes) -> list[AwarenessEntry]:
        """Entries another process accepted; ids owned here are not theirs to change."""
        entries = decode_update(update, parse_json=False)
        return self.registry.apply(e for e in entries if e.client_id not in self._owners)

    def _owned_changes(self, peer: Peer, entries: list[AwarenessEntry]) -> list[AwarenessEntry]:
        """The entries that would change something and that ``peer`` may send."""
        mine = []
        foreign = 0
        for entry in entries:
            if not self.registry.accepts(entry):
                continue  # stale or an echo: changes nothing, whoever sent it
            owner = self._owners.get(entry.client_id)
            if owner is None:
                claimable = self.registry.get(entry.client_id) is None  # else: remote-owned
            else:
                claimable = owner is peer or same_person(owner.principal, peer.principal)
            if claimable:
                mine.append(entry)
            else:
                foreign += 1
        if foreign:
            self.dropped_foreign += foreign
            if not peer.presence_logged:  # one line per connection, not per message
                peer.presence_logged = True
                self._log.info(
                    "%s in %s: dropped %s presence entries of other connections",
                    peer,
                    self._room,
                    foreign,
                )
        return mine

    def _checked(self, peer: Peer, entry: AwarenessEntry) -> AwarenessEntry:
        if entry.state == NULL_STATE:
            return entry
        try:
            value = json.loads(entry.state)
        except (ValueError, RecursionError) as exc:
            raise BadInput(
                f"malformed awareness update: state of client {entry.client_id} is not JSON"
            ) from exc
        if not isinstance(value, dict):
            raise BadPresence("an awareness state must be a JSON object (or null)")
        if "user" not in value:
            return entry
        value["user"] = self._user(peer, value["user"])
        # ASCII escapes: a lone surrogate from the client stays encodable.
        state = json.dumps(value, separators=(",", ":"))
        return AwarenessEntry(entry.client_id, entry.clock, state)

    def _user(self, peer: Peer, user: Any) -> dict[str, Any]:
        """The ``user`` others see: checked colours, and the server's identity."""
        if not isinstance(user, dict):
            raise BadPresence("awareness `user` must be an object")
        name = user.get("name")
        limit = self._settings.presence_name_max_chars
        if name is not None and (not isinstance(name, str) or len(name) > limit):
            raise BadPresence(f"`user.name` must be a string of at most {limit} characters")
        for field in COLOUR_FIELDS:
            colour = user.get(field)
            if colour is not None and (
                not isinstance(colour, str) or not HEX_COLOUR.fullmatch(colour)
            ):
                raise BadPresence(f"`user.{field}` must be a hex colour such as #1f77b4")
        colour = NEUTRAL if peer.readonly or peer.colour is None else peer.colour
        return {
            "color": colour,
            "colorLight": light(colour),
            "name": peer.presence_name,
            "person": peer.principal.name,
            "delegation": peer.delegation or "",
        }
