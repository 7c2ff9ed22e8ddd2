"""A room: one live pycrdt document, its awareness, and the peers connected to it.

Every transport calls the same four entry points (``join``, ``leave``,
``receive_update``, ``receive_awareness``). Changes are tagged with the peer they
came from, so they are broadcast to everyone else and never echoed back.
Broadcasts are coalesced: whatever arrives while a fan-out is in flight goes
out merged in the next one, encoded once for all recipients.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import pycrdt

from crdt import updates
from crdt.awareness import AwarenessEntry
from crdt.awareness import encode_update as encode_awareness
from crdt.encoding import DecodeError
from crdt.update_v1 import delete_set
from server.errors import MalformedUpdate, ReadOnly
from server.rooms.guard import DocumentGuard
from server.rooms.peer import Channel, Peer
from server.rooms.presence import Presence
from server.settings import Settings
from server.storage import SERVER, Author, DocumentStore

T = TypeVar("T")


class Relay(Protocol):
    """Where a room sends what its own clients changed (the scale-out bus)."""

    def publish_update(self, document: str, update: bytes) -> None: ...

    def publish_awareness(self, document: str, update: bytes) -> None: ...


class _Remote:
    """Origin of changes that came from another process: fanned out, never stored."""

    def __repr__(self) -> str:
        return "<remote>"


REMOTE = _Remote()


@dataclass
class RoomStats:
    updates_applied: int = 0
    updates_persisted: int = 0
    dropped_writes: int = 0
    malformed: int = 0
    broadcasts: int = 0


def _merge_awareness(entries: list[AwarenessEntry]) -> bytes:
    latest: dict[int, AwarenessEntry] = {}
    for entry in entries:
        latest[entry.client_id] = entry
    return encode_awareness(latest.values())


async def _all(*writes: asyncio.Task[None]) -> None:
    for write in writes:
        await write


class Room:
    def __init__(
        self,
        name: str,
        doc: pycrdt.Doc[Any],
        *,
        store: DocumentStore,
        settings: Settings,
        logger: logging.Logger,
        log_rows: int = 0,
    ) -> None:
        self.name = name
        self.doc = doc
        self.peers: dict[str, Peer] = {}
        self.presence = Presence(settings, logger, name)
        self.awareness = self.presence.registry
        self.stats = RoomStats()
        self._store = store
        self._settings = settings
        self._log = logger
        self._log_rows = log_rows
        self.relay: Relay | None = None
        self._applying: Peer | _Remote | None = None
        self._full_state: bytes | None = None
        # While set, the item ranges each transaction deleted (Yrs reports only items
        # it newly deleted: a re-sent delete set adds nothing), recorded with the
        # update as its author's deletions (server/storage/deletions.py).
        self._deleted: list[tuple[int, int, int]] | None = None
        self._outbox: list[tuple[Peer | None, bytes]] = []
        self._awareness_outbox: list[tuple[Peer | None, AwarenessEntry]] = []
        self._update_ready = asyncio.Event()
        self._awareness_ready = asyncio.Event()
        self._writes: set[asyncio.Task[None]] = set()
        self._tasks: list[asyncio.Task[None]] = []
        self._compaction: asyncio.Task[None] | None = None
        self._idle_timer: asyncio.TimerHandle | None = None
        self._subscription = doc.observe(self._on_transaction)
        # Puts back what a client may not change (governed roots, locked text).
        self.guard = DocumentGuard(doc, name=name, origin=lambda: self._applying, logger=logger)

    # -- lifecycle ---------------------------------------------------------------

    def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._update_loop(), name=f"room-updates:{self.name}"),
            asyncio.create_task(self._awareness_loop(), name=f"room-awareness:{self.name}"),
        ]

    async def flush(self) -> None:
        """Wait until every update received so far is durable."""
        while self._writes:
            await asyncio.gather(*list(self._writes), return_exceptions=True)

    async def close(self) -> None:
        """Final store: make every write durable, compact, stop the background tasks."""
        await self.flush()
        if self._idle_timer is not None:
            self._idle_timer.cancel()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._compaction is not None:
            await asyncio.gather(self._compaction, return_exceptions=True)
        if self._log_rows > 0:
            await self._compact()
        self.doc.unobserve(self._subscription)
        self.guard.close()

    # -- membership --------------------------------------------------------------

    def join(self, peer: Peer) -> None:
        self.peers[peer.id] = peer
        self.presence.join(peer)

    def leave(self, peer: Peer) -> None:
        if self.peers.pop(peer.id, None) is None:
            return
        self._announce_awareness(None, self.presence.leave(peer))

    # -- sync --------------------------------------------------------------------

    def state_vector(self) -> bytes:
        return self.doc.get_state()

    def missing_for(self, state_vector: bytes) -> bytes:
        """The update a client with ``state_vector`` lacks (sync step 2)."""
        if state_vector == updates.EMPTY_STATE_VECTOR:
            if self._full_state is None:
                self._full_state = self.doc.get_update()
            return self._full_state
        try:
            return self.doc.get_update(state_vector)
        except ValueError as exc:
            self.stats.malformed += 1
            raise MalformedUpdate("malformed state vector") from exc

    def receive_update(self, peer: Peer, update: bytes) -> asyncio.Task[None] | None:
        """Apply a client's update; return a task that completes once it is durable.

        A read-only peer's update is dropped and counted (``ReadOnly``); a malformed
        one is refused (``MalformedUpdate``) and changes nothing. What the guard puts
        back (rooms/guard.py) is a server update applied right after it: it goes out
        in the same broadcast, and the task completes once both are durable.
        """
        if update == updates.EMPTY_UPDATE:
            return None
        if peer.readonly:
            peer.dropped_writes += 1
            self.stats.dropped_writes += 1
            raise ReadOnly("this connection may read the document but not change it")
        self._applying = peer
        deleted = self._deleted = []
        try:
            clients = updates.apply(self.doc, update)
        except DecodeError as exc:
            self.stats.malformed += 1
            self._applying = None
            self._deleted = None
            self.guard.after_update(None)
            raise MalformedUpdate(str(exc)) from exc
        finally:
            self._applying = None
            self._deleted = None
        self.stats.updates_applied += 1
        written = self._persist(update, peer.author, clients, deleted)
        reverted = self._deleted = []
        try:
            revert = self.guard.after_update(peer)
        except Exception:  # a bug in the guard must not take the room down: say it loudly
            self._log.exception("room %s: the guard failed on %s's update", self.name, peer)
            revert = None
        finally:
            self._deleted = None
        if revert is None:
            return written
        return asyncio.create_task(_all(written, self._persist(revert, deletes=reverted)))

    def apply_local(
        self, change: Callable[[pycrdt.Doc[Any]], None], author: Author = SERVER
    ) -> asyncio.Task[None]:
        """Make a server-side change (origin: the server) and persist it. Governed
        roots are written this way only; the guard follows (e.g. a status change
        locks or unlocks a paragraph's text). ``author``: whom the new structs'
        client ids are recorded for (an accepted amendment's proposer; default the
        server itself)."""
        before = self.doc.get_state()
        deleted = self._deleted = []
        try:
            change(self.doc)
        finally:
            try:
                self.guard.after_update(None)
            finally:
                self._deleted = None
        return self._persist(self.doc.get_update(before), author, deletes=deleted)

    def receive_awareness(self, peer: Peer, update: bytes) -> None:
        """Apply a client's presence (bounded, owned, validated: see rooms/presence.py).

        A refused message raises a coded error and changes nothing.
        """
        self._announce_awareness(peer, self.presence.receive(peer, update))

    def _announce_awareness(self, origin: Peer | None, changed: list[AwarenessEntry]) -> None:
        if changed:
            self._awareness_outbox.extend((origin, entry) for entry in changed)
            self._awareness_ready.set()
            if self.relay is not None:
                self.relay.publish_awareness(self.name, encode_awareness(changed))

    def receive_remote_update(self, update: bytes) -> None:
        """An update another process applied and stored: fan it out, do not store it."""
        self._applying = REMOTE
        try:
            updates.apply(self.doc, update)
        finally:
            self._applying = None
            self.guard.after_update(None)  # guarded by its process; follow its locks

    def receive_remote_awareness(self, update: bytes) -> None:
        changed = self.presence.receive_remote(update)
        if changed:
            self._awareness_outbox.extend((None, entry) for entry in changed)
            self._awareness_ready.set()

    # -- internals ---------------------------------------------------------------

    def _on_transaction(self, event: Any) -> None:
        self._full_state = None
        if self._deleted is not None:
            try:
                self._deleted.extend(delete_set(event.update))
            except DecodeError as exc:  # never raise inside Yrs' commit: record nothing
                self._log.error(
                    "room %s: unreadable delete set in a transaction: %s", self.name, exc
                )
        origin = self._applying
        if origin is not REMOTE and self.relay is not None:
            self.relay.publish_update(self.name, event.update)
        self._outbox.append((origin if isinstance(origin, Peer) else None, event.update))
        self._update_ready.set()

    def _persist(
        self,
        update: bytes,
        author: Author = SERVER,
        clients: Sequence[int] | None = None,
        deletes: Sequence[tuple[int, int, int]] | None = None,
    ) -> asyncio.Task[None]:
        """Store ``update``, sent by ``author`` (default: the server's own change);
        ``deletes``: the item ranges it deleted (default: its whole delete set)."""
        task = asyncio.create_task(
            self._store.append(self.name, update, author=author, clients=clients, deletes=deletes)
        )
        self._writes.add(task)
        task.add_done_callback(self._written)
        return task

    def _written(self, task: asyncio.Task[None]) -> None:
        self._writes.discard(task)
        if task.cancelled():
            return
        if (exc := task.exception()) is not None:
            self._log.error("room %s: an update could not be stored: %s", self.name, exc)
            return
        self.stats.updates_persisted += 1
        self._log_rows += 1
        if self._log_rows >= self._settings.compact_after_updates:
            self._schedule_compaction()
        if self._idle_timer is not None:
            self._idle_timer.cancel()
        loop = asyncio.get_running_loop()
        self._idle_timer = loop.call_later(
            self._settings.compact_idle_seconds, self._schedule_compaction
        )

    def _schedule_compaction(self) -> None:
        if self._log_rows > 0 and (self._compaction is None or self._compaction.done()):
            self._compaction = asyncio.create_task(self._compact())

    async def _compact(self) -> None:
        try:
            folded = await self._store.compact(self.name)
        except Exception:
            self._log.exception("room %s: compaction failed; the log is kept", self.name)
            return
        self._log_rows = max(0, self._log_rows - folded)
        self._log.debug("room %s: compacted %s log rows", self.name, folded)

    async def _update_loop(self) -> None:
        while True:
            await self._update_ready.wait()
            self._update_ready.clear()
            batch, self._outbox = self._outbox, []
            if batch:
                await self._broadcast_safely(Channel.UPDATE, batch, updates.merge)

    async def _awareness_loop(self) -> None:
        while True:
            await self._awareness_ready.wait()
            # Cursors move constantly: merge what a short window brings into one frame.
            await asyncio.sleep(self._settings.awareness_tick_seconds)
            self._awareness_ready.clear()
            batch, self._awareness_outbox = self._awareness_outbox, []
            if batch:
                await self._broadcast_safely(Channel.AWARENESS, batch, _merge_awareness)

    async def _broadcast_safely(
        self,
        channel: Channel,
        batch: list[tuple[Peer | None, T]],
        combine: Callable[[list[T]], bytes],
    ) -> None:
        """One failed broadcast is logged; the room keeps broadcasting afterwards."""
        try:
            await self._broadcast(channel, batch, combine)
        except Exception:
            self._log.exception("room %s: a %s broadcast failed", self.name, channel.value)

    async def _broadcast(
        self,
        channel: Channel,
        batch: list[tuple[Peer | None, T]],
        combine: Callable[[list[T]], bytes],
    ) -> None:
        """Send the batch to every peer, leaving out each peer's own contributions."""
        origins = {origin for origin, _ in batch if origin is not None}
        everyone_else = [p for p in self.peers.values() if p not in origins]
        if everyone_else:
            await self._deliver(everyone_else, channel, combine([item for _, item in batch]))
        for origin in origins:
            if origin.id not in self.peers:
                continue
            rest = [item for who, item in batch if who is not origin]
            if rest:
                await self._deliver([origin], channel, combine(rest))

    async def _deliver(self, peers: Sequence[Peer], channel: Channel, payload: bytes) -> None:
        groups: dict[object, list[Peer]] = {}
        for peer in peers:
            groups.setdefault(peer.fanout_group, []).append(peer)
        self.stats.broadcasts += 1
        for group in groups.values():
            try:
                await type(group[0]).fanout(group, channel, payload)
            except Exception:
                self._log.exception("room %s: fan-out to %s failed", self.name, group[0])
