"""One ordered live hub: domain events to the peers that follow them, each as its role allows.

A *topic* names what a peer follows: ``comments:<document>``, ``session:<id>``, and
whatever later features add (``<kind>:<key>``). Domains publish ``Message``s on
topics and never see a transport; transports subscribe their peers (``EventPeer``).

- **Ordered**: one worker per process delivers every event, local or from the
  bus, in the order it was published here or received (python-socketio's Redis
  manager does the same): a failed delivery is logged and the next one goes on.
- **Per recipient**: a message decides, for each recipient's principal, which
  event (if any) it gets; recipients of the same event on the same fan-out group
  share one encoding.
- **History then live**: a subscription may hold live events back while the
  peer's history is read and sent, then release those the history did not carry
  (skipped by id membership), with no gap and no duplicate.
- **Across processes**: a message goes on the bus as JSON on its topic (frames
  carry their origin, so a process never delivers its own twice); a process
  follows a topic while it has subscribers to it, and decodes messages with the
  decoder its kind registered.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from server.auth.principal import Principal
from server.rooms.peer import EventPeer
from server.scaleout.bus import DocumentBus
from server.tasks import spawn

# Loop turns the worker yields before each fan-out: the publisher's own reply (a
# captioner's ack) passes through Engine.IO's writer task, which needs them to go
# out before a fan-out to every follower occupies the loop.
YIELDS_BEFORE_FANOUT = 4


class Message(Protocol):
    """One published event, deciding per recipient what (if anything) it gets."""

    @property
    def history_id(self) -> Any:
        """The id of the history item this message repeats (a transcript segment's),
        or None: a subscriber whose history carried that id does not get it again."""

    def event_for(self, principal: Principal) -> str | None:
        """The event this recipient gets, or None: it hears nothing at all."""

    def data_for(self, event: str) -> Any:
        """The data of ``event``: the same for every recipient of that event."""

    def to_json(self) -> dict[str, Any]:
        """The message for the bus; its kind's decoder makes it back."""


Decoder = Callable[[dict[str, Any]], Message]
# A subscriber's history: the events to send it first, and the ids they carried.
History = Callable[[], Awaitable[tuple[Sequence[tuple[str, Any]], Collection[Any]]]]


def topic_kind(topic: str) -> str:
    return topic.partition(":")[0]


@dataclass
class _Subscriber:
    peer: EventPeer
    # Messages that arrived before this subscriber's history was sent; None once live.
    held: list[Message] | None = None
    # Ids its history carried: a message published before the history was read may
    # still be on its way, and must not reach this subscriber twice.
    history: Collection[Any] = frozenset()

    def already_has(self, message: Message) -> bool:
        key = message.history_id
        return key is not None and key in self.history


@dataclass
class _Topic:
    # Done once the bus delivers this topic here (at once without a bus).
    followed: asyncio.Future[None]
    subscribers: dict[str, _Subscriber] = field(default_factory=dict)


class LiveHub:
    def __init__(self, logger: logging.Logger, bus: DocumentBus | None = None) -> None:
        self._log = logger
        self._bus = bus
        self._topics: dict[str, _Topic] = {}
        self._decoders: dict[str, Decoder] = {}
        self._pending: asyncio.Queue[tuple[str, Message]] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None

    def decode_with(self, kind: str, decoder: Decoder) -> None:
        """How messages of topics ``<kind>:...`` are made back from the bus."""
        self._decoders[kind] = decoder

    # -- lifecycle -------------------------------------------------------------------

    async def __aenter__(self) -> LiveHub:
        self._worker = asyncio.create_task(self._deliver_in_order(), name="live-hub")
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._worker is not None:
            self._worker.cancel()
            await asyncio.gather(self._worker, return_exceptions=True)
            self._worker = None

    # -- subscriptions -----------------------------------------------------------------

    async def subscribe(self, topic: str, peer: EventPeer, history: History | None = None) -> None:
        """Deliver ``topic``'s messages to ``peer`` from now on.

        With ``history``: live messages are held back while ``history()`` is read and
        its events sent to ``peer``, then those it did not carry are released.
        """
        state = self._topics.get(topic)
        if state is None:
            state = self._topics[topic] = _Topic(self._follow(topic))
        subscriber = _Subscriber(peer, held=None if history is None else [])
        state.subscribers[peer.id] = subscriber
        await asyncio.shield(state.followed)
        if history is None:
            return
        try:
            events, ids = await history()
            for event, data in events:
                await type(peer).send_events([peer], event, data)
        except BaseException:
            await self.unsubscribe(topic, peer)
            raise
        # A range (a group's event numbers up to its state's) is kept as it is: O(1) ``in``.
        await self._release(state, subscriber, ids if isinstance(ids, range) else frozenset(ids))

    async def _release(self, state: _Topic, subscriber: _Subscriber, ids: Collection[Any]) -> None:
        """Send the held messages the history did not cover, then go live.

        Skips by id membership, not by "id <= newest in history": on PostgreSQL two
        appends may commit out of id order, and the later-committed, smaller id must
        still reach the subscriber.
        """
        subscriber.history = ids
        peer = subscriber.peer
        while subscriber.held and state.subscribers.get(peer.id) is subscriber:
            held, subscriber.held = subscriber.held, []
            for message in held:
                event = (
                    None if subscriber.already_has(message) else message.event_for(peer.principal)
                )
                if event is not None:
                    await type(peer).send_events([peer], event, message.data_for(event))
        subscriber.held = None

    async def unsubscribe(self, topic: str, peer: EventPeer) -> None:
        state = self._topics.get(topic)
        if state is None or state.subscribers.pop(peer.id, None) is None:
            return
        if not state.subscribers:
            del self._topics[topic]
            await asyncio.gather(state.followed, return_exceptions=True)
            if self._bus is not None:
                await self._bus.unfollow(topic)

    def _follow(self, topic: str) -> asyncio.Future[None]:
        if self._bus is None:
            done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            done.set_result(None)
            return done
        return asyncio.ensure_future(self._bus.follow(topic, self._from_bus(topic)))

    # -- publishing and delivery ----------------------------------------------------------

    async def publish(self, topic: str, message: Message) -> None:
        """Deliver to this process's subscribers and, over the bus, to everyone else's.

        Returns once the message is queued (the caller's transaction is already
        committed); one worker delivers in publication order.
        """
        if self._bus is not None:
            self._bus.publish_event(topic, json.dumps(message.to_json(), default=str).encode())
        await self._enqueue(topic, message)

    async def _enqueue(self, topic: str, message: Message) -> None:
        if self._worker is None:  # not started as a service: deliver inline
            await self._deliver(topic, message)
        else:
            self._pending.put_nowait((topic, message))

    def _from_bus(self, topic: str) -> Callable[[bytes], None]:
        decode = self._decoders[topic_kind(topic)]

        def handle(payload: bytes) -> None:
            message = decode(json.loads(payload))
            if self._worker is not None:
                self._pending.put_nowait((topic, message))  # in the bus's order
            else:
                spawn(self._deliver(topic, message))

        return handle

    async def _deliver_in_order(self) -> None:
        while True:
            topic, message = await self._pending.get()
            for _ in range(YIELDS_BEFORE_FANOUT):
                await asyncio.sleep(0)
            try:
                await self._deliver(topic, message)
            except asyncio.CancelledError:
                raise
            except Exception:
                self._log.exception("live: delivering on %s failed", topic)

    async def _deliver(self, topic: str, message: Message) -> None:
        state = self._topics.get(topic)
        if state is None:
            return
        groups: dict[tuple[str, object], list[EventPeer]] = {}
        for subscriber in list(state.subscribers.values()):
            if subscriber.held is not None:
                subscriber.held.append(message)
                continue
            if subscriber.already_has(message):
                continue
            peer = subscriber.peer
            event = message.event_for(peer.principal)
            if event is not None:
                groups.setdefault((event, peer.fanout_group), []).append(peer)
        for (event, _), peers in groups.items():
            try:
                await type(peers[0]).send_events(peers, event, message.data_for(event))
            except asyncio.CancelledError:
                raise
            except Exception:
                self._log.exception("live: %s on %s not delivered", event, topic)
