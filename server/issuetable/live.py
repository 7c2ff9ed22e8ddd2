"""The live topic of a working group, ``group:<gid>``, served on Socket.IO ``/group|<gid>``.

Events, not a CRDT: issue items and mapping areas are numbered rows with server
invariants (merges keep every source, counts) that a CRDT cannot enforce, and a
stale write is refused with the current row rather than merged silently.

Every change takes the group's next event number (``seq``) in its own transaction
and is published after the commit, under a per-group lock held across both: in one
process, events go out in ``seq`` order, consecutive. A connection gets
``group-state`` (the whole table and every mapping table, with the ``seq`` it
reflects), read under the same lock, then live events (``issue-item``,
``mapping-area``, ``correspondence-changed``) numbered after it: no gap, no duplicate,
after every reconnect. ``group-resync`` answers the state again (a client that sees
a gap in ``seq``, possible only across processes, asks for it).
See /work/briefs/live14.md (the web app's contract).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth.access import AccessPolicy
from server.auth.permissions import Action, allowed, require
from server.auth.principal import Principal
from server.errors import BadInput, Forbidden, NotFound, Unauthenticated
from server.issuetable.models import GroupEventSeq
from server.live.hub import LiveHub
from server.rooms.peer import EventPeer
from server.validation import parse_id

KIND = "group"
PREFIX = "/group|"
STATE_EVENT = "group-state"
RESYNC_EVENT = "group-resync"

# (principal, group id) -> the state payload (``seq`` included), read under the lock.
StateReader = Callable[[Principal, int], Awaitable[dict[str, Any]]]


def topic(group_id: int) -> str:
    return f"{KIND}:{group_id}"


async def next_seq(db: AsyncSession, group_id: int) -> int:
    """The group's next event number, taken in the caller's transaction (the row lock
    orders concurrent writers on PostgreSQL; SQLite has one writer)."""
    dialect = db.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    await db.execute(
        insert(GroupEventSeq).values(group_id=group_id, seq=0).on_conflict_do_nothing()
    )
    seq = await db.scalar(
        update(GroupEventSeq)
        .where(GroupEventSeq.group_id == group_id)
        .values(seq=GroupEventSeq.seq + 1)
        .returning(GroupEventSeq.seq)
    )
    assert seq is not None
    return int(seq)


async def current_seq(db: AsyncSession, group_id: int) -> int:
    seq = await db.scalar(select(GroupEventSeq.seq).where(GroupEventSeq.group_id == group_id))
    return int(seq or 0)


@dataclass(frozen=True)
class GroupEvent:
    """One numbered group event (a live hub ``Message``): the same for every reader."""

    event: str
    data: dict[str, Any]

    @property
    def history_id(self) -> int:
        return int(self.data["seq"])

    def event_for(self, principal: Principal) -> str | None:
        return self.event

    def data_for(self, event: str) -> dict[str, Any]:
        return self.data

    def to_json(self) -> dict[str, Any]:
        return {"event": self.event, "data": self.data}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> GroupEvent:
        return cls(str(data["event"]), data["data"])


class GroupLive:
    """How the issue table and the correspondence groups announce changes."""

    def __init__(self, hub: LiveHub) -> None:
        self.hub = hub
        hub.decode_with(KIND, GroupEvent.from_json)
        self._locks: dict[int, asyncio.Lock] = {}

    def lock(self, group_id: int) -> asyncio.Lock:
        lock = self._locks.get(group_id)
        if lock is None:
            lock = self._locks[group_id] = asyncio.Lock()
        return lock

    @asynccontextmanager
    async def change(self, group_id: int) -> AsyncIterator[list[GroupEvent]]:
        """Around a change's transaction: the events appended to the yielded list are
        published once the block exits (after the commit), still under the lock."""
        events: list[GroupEvent] = []
        async with self.lock(group_id):
            yield events
            for event in events:
                await self.hub.publish(topic(group_id), event)


class GroupView:
    """A ``server.live.events.View`` of no document, on ``/group|<gid>``: READ_RESPONSES
    holders (chair, secretariat, member, observer) follow the group's tables live."""

    prefix = PREFIX

    def __init__(
        self,
        access: AccessPolicy,
        live: GroupLive,
        state: StateReader,
        group_exists: Callable[[int], Awaitable[bool]],
    ) -> None:
        self._access = access
        self._live = live
        self._state = state
        self._exists = group_exists
        # Open connections (no room holds them): re-checked when someone's access changes.
        self._peers: dict[str, tuple[EventPeer, int]] = {}

    async def open(self, key: str, token: str | None) -> tuple[Principal, None, int]:
        group_id = parse_id(key, "group")
        principal = await self._access.principal(token)
        if principal is None:
            raise Unauthenticated("sign in to follow the group's issue table")
        require(principal, Action.READ_RESPONSES, group_id)
        if not await self._exists(group_id):
            raise NotFound(f"no working group {group_id}")
        return principal, None, group_id

    async def read_state(self, principal: Principal, group_id: int) -> dict[str, Any]:
        async with self._live.lock(group_id):
            return await self._state(principal, group_id)

    async def greet(self, peer: EventPeer, group_id: int) -> None:
        async def history() -> tuple[Sequence[tuple[str, Any]], Collection[int]]:
            state = await self.read_state(peer.principal, group_id)
            return [(STATE_EVENT, state)], range(1, int(state["seq"]) + 1)

        self._peers[peer.id] = (peer, group_id)
        await self._live.hub.subscribe(topic(group_id), peer, history)

    async def leave(self, peer: EventPeer, group_id: int) -> None:
        self._peers.pop(peer.id, None)
        await self._live.hub.unsubscribe(topic(group_id), peer)

    async def access_changed(self, person_id: int | None) -> int:
        """Re-check the connections of a person whose access changed (revoked, role
        changed): those who may no longer read the inputs are disconnected. How many."""
        closed = 0
        for peer, group_id in list(self._peers.values()):
            if person_id is None or peer.principal.person_id != person_id:
                continue
            current = await self._access.refresh(peer.principal)
            if current is None or not allowed(current, Action.READ_RESPONSES, group_id):
                self._peers.pop(peer.id, None)
                await self._live.hub.unsubscribe(topic(group_id), peer)
                await peer.close(Forbidden.ws_close_code, "your access to the group's inputs ended")
                closed += 1
        return closed

    async def handle(
        self, principal: Principal, group_id: int, event: str, data: Any
    ) -> dict[str, Any]:
        if event == RESYNC_EVENT:
            return await self.read_state(principal, group_id)
        raise BadInput(f"unknown event {event!r}; {RESYNC_EVENT} is the only one here")
