"""Loads rooms on first use, shares them between transports, unloads them when idle."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any

import pycrdt

from crdt import schema, updates
from server.auth.principal import Principal
from server.errors import NotFound, Unavailable
from server.rooms.peer import Peer
from server.rooms.room import Room
from server.scaleout.bus import DocumentBus
from server.settings import Settings
from server.storage import SERVER, Author, DocumentStore
from server.tasks import spawn


class RoomManager:
    """An async context manager owning every loaded room of this process."""

    def __init__(
        self,
        store: DocumentStore,
        settings: Settings,
        logger: logging.Logger,
        bus: DocumentBus | None = None,
    ) -> None:
        self._store = store
        self._bus = bus
        self._settings = settings
        self._log = logger
        self._rooms: dict[str, Room] = {}
        self._loading: dict[str, asyncio.Future[Room]] = {}
        self._unloading: dict[str, asyncio.Task[None]] = {}
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._refresh: Callable[[Principal], Awaitable[Principal | None]] | None = None
        self._affiliation: Callable[[int], Awaitable[tuple[str | None, str]]] | None = None
        self._upgraded: Callable[[str, pycrdt.Doc[Any]], Awaitable[object]] | None = None
        self._restored: Callable[[str, pycrdt.Doc[Any], list[str]], Awaitable[object]] | None = None
        self._revalidate_every = 5.0
        self._revalidator: asyncio.Task[None] | None = None
        self._closing = False

    def revalidate_with(
        self, refresh: Callable[[Principal], Awaitable[Principal | None]], every: float
    ) -> None:
        """Re-check every connected person's access periodically.

        Catches what no in-process hook sees: a revocation made by the CLI or by
        another process, a role changed elsewhere, an invitation revoked.
        """
        self._refresh = refresh
        self._revalidate_every = every

    def describe_with(
        self, affiliation: Callable[[int], Awaitable[tuple[str | None, str]]]
    ) -> None:
        """Look up whom a joining person speaks for, and that delegation's colour: the
        server, not the client, puts both in their presence."""
        self._affiliation = affiliation

    def after_upgrade(self, hook: Callable[[str, pycrdt.Doc[Any]], Awaitable[object]]) -> None:
        """Call ``hook(name, doc)`` once a model-v1 document is upgraded on load (e.g.
        comments re-anchor on the new text); its failure is logged, the load goes on."""
        self._upgraded = hook

    def after_restore(
        self, hook: Callable[[str, pycrdt.Doc[Any], list[str]], Awaitable[object]]
    ) -> None:
        """Call ``hook(name, doc, paragraph_ids)`` (in the background) when the guard
        typed back words a client deleted from locked paragraphs (rooms/guard.py)."""
        self._restored = hook

    def _on_restored(self, room: Room, paragraphs: list[str]) -> None:
        hook = self._restored
        if hook is None:
            return

        async def run() -> None:
            try:
                await hook(room.name, room.doc, paragraphs)
            except Exception:
                self._log.exception("room %s: after-restore hook failed", room.name)

        spawn(run())

    async def __aenter__(self) -> RoomManager:
        if self._refresh is not None:
            self._revalidator = asyncio.create_task(self._revalidate_loop(), name="revalidate")
        return self

    async def _revalidate_loop(self) -> None:
        assert self._refresh is not None
        while True:
            await asyncio.sleep(self._revalidate_every)
            try:
                await self._reauthorize(lambda p: p.person_id is not None, self._refresh)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self._log.warning("revalidating connections failed: %s", exc)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._revalidator is not None:
            self._revalidator.cancel()
            await asyncio.gather(self._revalidator, return_exceptions=True)
        for timer in self._timers.values():
            timer.cancel()
        await asyncio.gather(*self._unloading.values(), return_exceptions=True)
        rooms, self._rooms = list(self._rooms.values()), {}
        for room in rooms:
            await room.close()

    async def disconnect_all(self, code: int, reason: str) -> None:
        """Shutdown: send everyone away, and refuse newcomers from now on."""
        self._closing = True
        peers = [peer for room in self._rooms.values() for peer in room.peers.values()]
        results = await asyncio.gather(
            *(peer.close(code, reason) for peer in peers), return_exceptions=True
        )
        for peer, result in zip(peers, results, strict=True):
            if isinstance(result, Exception):
                self._log.warning("closing %s failed: %s", peer, result)

    async def reauthorize(
        self, person_id: int, refresh: Callable[[Principal], Awaitable[Principal | None]]
    ) -> int:
        """Re-check every live connection of a person: downgrade, upgrade or disconnect.

        Returns how many connections were affected.
        """
        return await self._reauthorize(lambda p: p.person_id == person_id, refresh)

    async def _reauthorize(
        self,
        selected: Callable[[Principal], bool],
        refresh: Callable[[Principal], Awaitable[Principal | None]],
    ) -> int:
        # One lookup per distinct principal, however many connections it has open.
        by_principal: dict[Principal, list[tuple[Room, Peer]]] = {}
        for room in list(self._rooms.values()):
            for peer in list(room.peers.values()):
                if selected(peer.principal):
                    by_principal.setdefault(peer.principal, []).append((room, peer))
        for principal, seats in by_principal.items():
            current = await refresh(principal)
            if current == principal:
                continue
            for room, peer in seats:
                if current is None:
                    self._log.info("%s in %s: access revoked, disconnecting", peer, room.name)
                    await peer.close(4403, "access revoked")
                else:
                    peer.principal = current
        return sum(len(seats) for seats in by_principal.values())

    async def close_anonymous(self, group_id: int, reason: str) -> int:
        """Disconnect anonymous readers of a group (it stopped following publicly)."""
        closed = 0
        for room in list(self._rooms.values()):
            for peer in list(room.peers.values()):
                if peer.principal.anonymous and peer.principal.group_id == group_id:
                    await peer.close(4403, reason)
                    closed += 1
        return closed

    def loaded(self, name: str) -> Room | None:
        return self._rooms.get(name)

    @property
    def rooms(self) -> dict[str, Room]:
        return self._rooms

    async def join(self, name: str, peer: Peer, *, create: bool) -> Room:
        """Seat ``peer`` in the room of ``name``; ``NotFound`` if absent and not ``create``."""
        if self._closing:
            raise Unavailable("the server is shutting down; reconnect in a moment")
        person_id = peer.principal.person_id
        if self._affiliation is not None and person_id is not None:
            try:
                peer.delegation, peer.colour = await self._affiliation(person_id)
            except Exception as exc:  # presence then shows the name alone
                self._log.warning("delegation of person %s not found: %s", person_id, exc)
        room = await self._get(name, create=create)
        timer = self._timers.pop(name, None)
        if timer is not None:
            timer.cancel()
        room.join(peer)
        return room

    def leave(self, room: Room, peer: Peer) -> None:
        room.leave(peer)
        if not room.peers and room.name not in self._timers:
            loop = asyncio.get_running_loop()
            self._timers[room.name] = loop.call_later(
                self._settings.room_linger_seconds, self._start_unload, room.name
            )

    async def _get(self, name: str, *, create: bool) -> Room:
        while True:
            if (unloading := self._unloading.get(name)) is not None:
                await asyncio.wait([unloading])
                continue
            if (room := self._rooms.get(name)) is not None:
                return room
            if (pending := self._loading.get(name)) is not None:
                await asyncio.wait([pending])  # its outcome is re-checked on the next turn
                continue
            future: asyncio.Future[Room] = asyncio.get_running_loop().create_future()
            self._loading[name] = future
            try:
                room = await self._load(name, create=create)
            except BaseException as exc:
                future.set_exception(exc)
                future.exception()  # retrieved: waiters retry with their own `create`
                raise
            finally:
                del self._loading[name]
            self._rooms[name] = room
            if self._bus is not None:
                await self._bus.attach(room)
            future.set_result(room)
            return room

    async def document(self, name: str) -> pycrdt.Doc[Any] | None:
        """The document as of now: the live room's when loaded in this process, else
        built from storage (read-only use); None if there is no such document."""
        room = self._rooms.get(name)
        if room is not None:
            return room.doc
        stored = await self._store.load(name)
        if stored is None:
            return None
        doc = await _build(stored.parts)
        if schema.is_v1(doc):
            schema.upgrade_v1(doc)  # read as v2; stored when the room next loads
        return doc

    async def _load(self, name: str, *, create: bool) -> Room:
        stored = await self._store.load(name)
        if stored is None:
            if not create:
                raise NotFound(f"no document named {name!r}")
            await self._store.ensure(name)
        doc = await _build(stored.parts if stored else [])
        log_rows = len(stored.updates) if stored else 0
        if schema.is_v1(doc):
            # One process upgrades: under the document's store lock (Redis when scaled
            # out), read it again: another process may have upgraded it meanwhile.
            async with self._store.compaction_lock(name):
                stored = await self._store.load(name)
                doc = await _build(stored.parts if stored else [])
                log_rows = len(stored.updates) if stored else 0
                upgraded = schema.is_v1(doc)
                if upgraded:
                    log_rows += await _upgrade(self._store, self._log, name, doc)
            if upgraded and self._upgraded is not None:
                try:
                    await self._upgraded(name, doc)
                except Exception:
                    self._log.exception("room %s: after-upgrade hook failed", name)
        room = Room(
            name,
            doc,
            store=self._store,
            settings=self._settings,
            logger=self._log,
            log_rows=log_rows,
        )
        room.guard.on_restored = lambda paragraphs: self._on_restored(room, paragraphs)
        room.start()
        self._log.info("room %s loaded (%s log rows)", name, room._log_rows)
        return room

    async def apply(
        self, name: str, change: Callable[[pycrdt.Doc[Any]], None], author: Author = SERVER
    ) -> None:
        """Make a server-side change to document ``name`` (a governance command): the
        room is loaded for it if idle (and unloads again later), every connected peer
        gets the change, and it is durable on return. ``change`` raising changes nothing
        it did not write; ``NotFound`` if there is no such document. ``author``: who
        the change's new Yjs client ids are recorded for (default: the server)."""
        if self._closing:
            raise Unavailable("the server is shutting down; try again in a moment")
        room = await self._get(name, create=False)
        try:
            task = room.apply_local(change, author)
        finally:
            if not room.peers and name not in self._timers:
                self._timers[name] = asyncio.get_running_loop().call_later(
                    self._settings.room_linger_seconds, self._start_unload, name
                )
        await task

    def _start_unload(self, name: str) -> None:
        self._timers.pop(name, None)
        room = self._rooms.get(name)
        if room is None or room.peers or name in self._unloading:
            return
        task = asyncio.create_task(self._unload(room))
        self._unloading[name] = task
        task.add_done_callback(lambda _: self._unloading.pop(name, None))

    async def _unload(self, room: Room) -> None:
        await room.flush()
        if room.peers:  # someone came back while we were storing
            return
        if self._bus is not None:
            await self._bus.detach(room.name)
        # The room stays registered until its final store (flush + compaction) is
        # done: `loaded(name) is None` then means the stored state is final. Joins
        # meanwhile wait on `_unloading`, and load the room afresh afterwards.
        await room.close()
        del self._rooms[room.name]
        self._log.info("room %s unloaded", room.name)


async def _build(parts: list[bytes]) -> pycrdt.Doc[Any]:
    doc = updates.new_doc()
    if parts:
        # Merging a long log is CPU work: do it off the event loop.
        doc.apply_update(await asyncio.to_thread(updates.merge, parts))
    return doc


async def _upgrade(
    store: DocumentStore, logger: logging.Logger, name: str, doc: pycrdt.Doc[Any]
) -> int:
    """Move a model-v1 document to model v2 (crdt/schema.py) before anyone joins, and
    store the change as a server update: every paragraph, label and character is
    kept, and the next load finds v2 (no second upgrade). Returns the log rows added.

    Comments anchored in v1 text keep their quote; the text's Yjs ids are new, so
    they are re-anchored by quote (``after_upgrade``: server/comments/reanchor.py).
    The caller holds the document's store lock, so two processes loading it at once
    do not both upgrade it (which would copy its text twice); without Redis while
    scaled out, that lock is per process."""
    before = doc.get_state()
    moved = schema.upgrade_v1(doc)
    await store.append(name, doc.get_update(before))
    logger.info("room %s: upgraded from model v1 (%s paragraphs)", name, moved)
    return 1
