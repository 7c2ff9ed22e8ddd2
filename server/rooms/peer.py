"""A connection's seat in a room, independent of its transport.

Transports subclass ``Peer`` and implement ``fanout``: how one already-encoded
update or awareness payload reaches many of their peers at once (encode once,
send many).
"""

from __future__ import annotations

import abc
import itertools
from collections.abc import Sequence
from enum import Enum

from server.auth.tokens import Identity

_ids = itertools.count(1)


class Channel(Enum):
    UPDATE = "update"
    AWARENESS = "awareness"


class Peer(abc.ABC):
    """One client connection in one room."""

    transport_name: str = "?"

    def __init__(self, identity: Identity) -> None:
        self.id = f"{self.transport_name}-{next(_ids)}"
        self.identity = identity
        self.readonly = not identity.can_edit_text
        # Awareness client ids announced over this connection, removed when it leaves.
        self.awareness_ids: set[int] = set()
        self.dropped_writes = 0

    @classmethod
    @abc.abstractmethod
    async def fanout(cls, peers: Sequence[Peer], channel: Channel, payload: bytes) -> None:
        """Deliver ``payload`` (raw Yjs bytes) to every peer in ``peers`` (all of this class)."""

    @abc.abstractmethod
    async def close(self, code: int, reason: str) -> None:
        """Close the connection (a slow consumer, a shutdown, a revoked token)."""

    def __repr__(self) -> str:
        return f"<{self.id} {self.identity.name} {self.identity.role.value}>"
