"""The document bus: what one process's clients change reaches every other process.

The base class holds the logic; a backend implements two primitives,
``_publish`` and ``_listen`` (as python-socketio's pub/sub managers do). Each
process persists only its own clients' updates; what arrives on the bus is
applied and fanned out locally, never stored again. When the bus comes back
after an outage, and periodically, processes exchange state vectors so every
replica re-converges without any client reconnecting.
"""

from __future__ import annotations

import abc
import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Callable
from types import TracebackType

from crdt import updates
from crdt.encoding import DecodeError
from server.rooms.room import Room
from server.scaleout.messages import Frame, Kind, decode, encode

# Frames waiting for the bus while it is down; past this, the oldest are dropped
# (state-vector exchange on reconnect recovers whatever they carried).
MAX_OUTBOX = 10_000
# How long ``follow`` waits for the backend to confirm a subscription: from then on
# nothing published on the topic is missed. Bounded, so a slow bus only delays.
FOLLOW_CONFIRM_SECONDS = 2.0


class DocumentBus(abc.ABC):
    def __init__(
        self,
        *,
        prefix: str,
        logger: logging.Logger,
        resync_seconds: float = 15.0,
    ) -> None:
        self.process_id = uuid.uuid4().hex[:12]
        self._prefix = prefix
        self._log = logger
        self._resync_seconds = resync_seconds
        self._rooms: dict[str, Room] = {}
        self._topics: dict[str, Callable[[bytes], None]] = {}
        self._confirmations: dict[str, asyncio.Event] = {}
        self._outbox: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue(MAX_OUTBOX)
        self._tasks: list[asyncio.Task[None]] = []
        self.connected = asyncio.Event()

    # -- backend primitives --------------------------------------------------------

    @abc.abstractmethod
    async def _publish(self, channel: str, data: bytes) -> None:
        """Send ``data`` on ``channel``; raise if the backend is unreachable."""

    @abc.abstractmethod
    def _listen(self) -> AsyncIterator[bytes]:
        """Yield frames of every subscribed channel; raise when the connection drops."""

    @abc.abstractmethod
    async def _subscribe(self, channel: str) -> None: ...

    @abc.abstractmethod
    async def _unsubscribe(self, channel: str) -> None: ...

    # -- lifecycle -------------------------------------------------------------------

    async def __aenter__(self) -> DocumentBus:
        self._tasks = [
            asyncio.create_task(self._receive_loop(), name="bus-receive"),
            asyncio.create_task(self._send_loop(), name="bus-send"),
            asyncio.create_task(self._resync_loop(), name="bus-resync"),
        ]
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def channel(self, document: str) -> str:
        return f"{self._prefix}doc:{document}"

    def subscribed(self, channel: str) -> None:
        """The backend confirms a subscription: from now on nothing published is
        missed, so ask the others for whatever was published before it."""
        confirmed = self._confirmations.pop(channel, None)
        if confirmed is not None:
            confirmed.set()
        prefix = self.channel("")
        if channel.startswith(prefix):
            room = self._rooms.get(channel[len(prefix) :])
            if room is not None:
                self._request_sync(room, Kind.SYNC_REQUEST_BOTH)

    # -- rooms -------------------------------------------------------------------------

    async def attach(self, room: Room) -> None:
        """Start relaying ``room``; ask the others for what this process lacks."""
        self._rooms[room.name] = room
        room.relay = self
        try:
            await self._subscribe(self.channel(room.name))
        except Exception as exc:
            self._log.warning("bus: cannot subscribe to %s yet: %s", room.name, exc)
        # The sync request goes out when the backend confirms the subscription
        # (``subscribed``): anything published before that is then covered.

    async def detach(self, name: str) -> None:
        room = self._rooms.pop(name, None)
        if room is not None:
            room.relay = None
        try:
            await self._unsubscribe(self.channel(name))
        except Exception as exc:
            self._log.warning("bus: cannot unsubscribe from %s: %s", name, exc)

    async def follow(self, topic: str, handler: Callable[[bytes], None]) -> None:
        """Receive the events other processes publish on ``topic``.

        Returns once the backend confirms the subscription (or after
        ``FOLLOW_CONFIRM_SECONDS``, or at once while the bus is down): a caller that
        then reads history misses nothing published after that read.
        """
        self._topics[topic] = handler
        channel = self.channel(topic)
        confirmed = self._confirmations.setdefault(channel, asyncio.Event())
        try:
            await self._subscribe(channel)
        except Exception as exc:
            self._log.warning("bus: cannot subscribe to %s yet: %s", topic, exc)
            return
        if self.connected.is_set():
            try:
                await asyncio.wait_for(confirmed.wait(), FOLLOW_CONFIRM_SECONDS)
            except TimeoutError:
                self._log.warning("bus: subscription to %s not confirmed yet", topic)

    async def unfollow(self, topic: str) -> None:
        if self._topics.pop(topic, None) is not None:
            try:
                await self._unsubscribe(self.channel(topic))
            except Exception as exc:
                self._log.warning("bus: cannot unsubscribe from %s: %s", topic, exc)

    def publish_event(self, topic: str, payload: bytes) -> None:
        self._send(Frame(Kind.EVENT, self.process_id, "", topic, payload))

    # -- outgoing (called synchronously by rooms) ----------------------------------------

    def publish_update(self, document: str, update: bytes) -> None:
        self._send(Frame(Kind.UPDATE, self.process_id, "", document, update))

    def publish_awareness(self, document: str, update: bytes) -> None:
        self._send(Frame(Kind.AWARENESS, self.process_id, "", document, update))

    def _request_sync(self, room: Room, kind: Kind, target: str = "") -> None:
        self._send(Frame(kind, self.process_id, target, room.name, room.state_vector()))

    def _send(self, frame: Frame) -> None:
        item = (self.channel(frame.document), encode(frame))
        if self._outbox.full():
            self._outbox.get_nowait()  # the oldest goes; resync recovers it
        self._outbox.put_nowait(item)

    async def _send_loop(self) -> None:
        while True:
            channel, data = await self._outbox.get()
            delay = 0.05
            while True:
                try:
                    await self._publish(channel, data)
                    break
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    self._log.warning("bus: publish failed (%s); retrying in %.2fs", exc, delay)
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 2.0)

    # -- incoming ------------------------------------------------------------------------

    async def _receive_loop(self) -> None:
        delay = 0.05
        while True:
            try:
                for name in [*self._rooms, *self._topics]:
                    await self._subscribe(self.channel(name))
                self.connected.set()
                delay = 0.05
                # Back on the bus: each re-subscription, once confirmed, re-converges
                # its room (``subscribed``).
                async for data in self._listen():
                    self._handle(data)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if self.connected.is_set():
                    self._log.warning("bus: connection lost (%s); serving local clients", exc)
                self.connected.clear()
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)

    async def _resync_loop(self) -> None:
        while True:
            await asyncio.sleep(self._resync_seconds)  # periodic anti-entropy
            if self.connected.is_set():
                for room in list(self._rooms.values()):
                    self._request_sync(room, Kind.SYNC_REQUEST)

    def _handle(self, data: bytes) -> None:
        try:
            frame = decode(data)
        except DecodeError as exc:
            self._log.warning("bus: dropped a malformed frame: %s", exc)
            return
        if frame.sender == self.process_id or frame.target not in ("", self.process_id):
            return
        if frame.kind is Kind.EVENT:
            handler = self._topics.get(frame.document)
            if handler is not None:
                try:
                    handler(frame.payload)
                except Exception as exc:
                    self._log.warning("bus: event on %s not handled: %s", frame.document, exc)
            return
        room = self._rooms.get(frame.document)
        if room is None:
            return
        try:
            if frame.kind in (Kind.UPDATE, Kind.SYNC_ANSWER):
                room.receive_remote_update(frame.payload)
            elif frame.kind is Kind.AWARENESS:
                room.receive_remote_awareness(frame.payload)
            else:
                missing = room.missing_for(frame.payload)
                if missing != updates.EMPTY_UPDATE:
                    self._send(
                        Frame(Kind.SYNC_ANSWER, self.process_id, frame.sender, room.name, missing)
                    )
                if frame.kind is Kind.SYNC_REQUEST_BOTH:
                    self._request_sync(room, Kind.SYNC_REQUEST, target=frame.sender)
        except Exception as exc:
            self._log.warning("bus: frame for %s not applied: %s", frame.document, exc)
