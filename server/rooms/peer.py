"""A connection's seat in a room, independent of its transport.

Transports subclass ``Peer`` and implement ``fanout``: how one already-encoded
update or awareness payload reaches many of their peers at once (encode once,
send many). A transport that also carries named events (comments, a session's
transcript) subclasses ``EventPeer``: the live hub (server/live/) reaches its
recipients through that alone, so no domain package imports a transport.
"""

from __future__ import annotations

import abc
import itertools
from collections.abc import Sequence
from enum import Enum
from typing import Any

from server.auth.permissions import Action, can
from server.auth.principal import Principal
from server.errors import RollingTextError
from server.ratelimit import TokenBucket
from server.storage.authorship import Author

_ids = itertools.count(1)


class Channel(Enum):
    UPDATE = "update"
    AWARENESS = "awareness"


class Peer(abc.ABC):
    """One client connection in one room."""

    transport_name: str = "?"

    def __init__(self, principal: Principal) -> None:
        self.id = f"{self.transport_name}-{next(_ids)}"
        self.principal = principal
        # A follow connection (e.g. a session's live view) never writes text.
        self.read_only_connection = False
        # Awareness client ids this connection owns (see rooms/presence.py), removed
        # when it leaves.
        self.awareness_ids: set[int] = set()
        # Whom the person speaks for, looked up when joining: shown beside the name.
        self.delegation: str | None = None
        # The delegation's colour (cursor, selection), set with it when joining.
        self.colour: str | None = None
        # The connection's awareness budget, set by the room it joins.
        self.awareness_budget: TokenBucket | None = None
        # Presence trouble is logged once per connection, however often it recurs.
        self.presence_logged = False
        self.dropped_writes = 0

    @property
    def readonly(self) -> bool:
        """Re-evaluated on every write: a downgraded principal stops writing at once."""
        return self.read_only_connection or not can(self.principal, Action.EDIT_TEXT)

    @property
    def presence_name(self) -> str:
        """The name others see on this connection's presence: "Name (Delegation)"."""
        name = self.principal.name
        return f"{name} ({self.delegation})" if self.delegation else name

    @property
    def author(self) -> Author:
        """Who this connection's updates are stored as (server/storage/authorship.py)."""
        return Author(self.principal.person_id, self.principal.name, self.delegation)

    @property
    def fanout_group(self) -> object:
        """Peers with equal groups can share one encoded frame."""
        return type(self)

    @classmethod
    @abc.abstractmethod
    async def fanout(cls, peers: Sequence[Peer], channel: Channel, payload: bytes) -> None:
        """Deliver ``payload`` (raw Yjs bytes) to every peer in ``peers`` (all of this class)."""

    @abc.abstractmethod
    async def close(self, code: int, reason: str) -> None:
        """Close the connection (a slow consumer, a shutdown, a revoked token)."""

    def refused(self, error: RollingTextError) -> None:
        """The server put back part of this connection's last update (a locked
        paragraph's text, governed state: see rooms/guard.py). The revert reaches the
        client like any update; a transport that carries named events also tells it
        why. The connection stays open."""
        return None

    def __repr__(self) -> str:
        return f"<{self.id} {self.principal.name} {self.principal.role.value}>"


class EventPeer(Peer):
    """A peer that also receives named events with JSON data (``comment-created``...)."""

    @classmethod
    @abc.abstractmethod
    async def send_events(cls, peers: Sequence[EventPeer], event: str, data: Any) -> None:
        """Send ``event`` to every peer in ``peers`` (one ``fanout_group``), encoded once."""
