"""The live hub: ordered delivery (local and across processes), per-recipient events
encoded once per group, history-then-live without gap or duplicate, failures contained.

Two hubs talk over the real ``DocumentBus`` logic on an in-memory backend; the
recipients are ``EventPeer``s that record what they were sent.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Collection, Sequence
from contextlib import AsyncExitStack
from typing import Any

from server.auth.principal import Principal
from server.auth.tokens import Role
from server.comments.live import Change, CommentPublisher, Visibility, topic
from server.live.hub import LiveHub
from server.rooms.peer import Channel, EventPeer, Peer
from server.scaleout.bus import DocumentBus
from server.sessions.live import SessionPublisher
from server.sessions.live import topic as session_topic

LOG = logging.getLogger("test-live-hub")


class Broker:
    """Pub/sub between in-memory buses, in publication order per channel."""

    def __init__(self) -> None:
        self.buses: list[MemoryBus] = []

    def publish(self, channel: str, data: bytes) -> None:
        for bus in self.buses:
            if channel in bus.channels:
                bus.inbox.put_nowait(data)


class MemoryBus(DocumentBus):
    def __init__(self, broker: Broker) -> None:
        super().__init__(prefix="t:", logger=LOG)
        self.broker = broker
        broker.buses.append(self)
        self.channels: set[str] = set()
        self.inbox: asyncio.Queue[bytes] = asyncio.Queue()
        self.handled = 0
        self.handled_changed = asyncio.Event()

    async def _publish(self, channel: str, data: bytes) -> None:
        self.broker.publish(channel, data)

    async def _subscribe(self, channel: str) -> None:
        self.channels.add(channel)
        asyncio.get_running_loop().call_soon(self.subscribed, channel)

    async def _unsubscribe(self, channel: str) -> None:
        self.channels.discard(channel)

    async def _listen(self) -> AsyncIterator[bytes]:
        while True:
            yield await self.inbox.get()
            self.handled += 1  # resumed once the frame was handled
            self.handled_changed.set()

    async def wait_handled(self, count: int) -> None:
        while self.handled < count:
            self.handled_changed.clear()
            await self.handled_changed.wait()


class RecordingPeer(EventPeer):
    transport_name = "test"
    # Every send_events call: (event, data, the ids of its peers).
    calls: list[tuple[str, Any, list[str]]] = []

    def __init__(self, principal: Principal, gate: asyncio.Event | None = None) -> None:
        super().__init__(principal)
        self.received: list[tuple[str, Any]] = []
        self.arrived = asyncio.Event()
        self.gate = gate  # the first send to this peer waits for it (a slow client)
        self.fail_on: str | None = None

    @classmethod
    async def send_events(cls, peers: Sequence[EventPeer], event: str, data: Any) -> None:
        cls.calls.append((event, data, [p.id for p in peers]))
        for peer in peers:
            assert isinstance(peer, RecordingPeer)
            if peer.gate is not None:
                gate, peer.gate = peer.gate, None
                await gate.wait()
            if peer.fail_on == event:
                raise ConnectionError("the client went away mid-send")
            peer.received.append((event, data))
            peer.arrived.set()

    @classmethod
    async def fanout(cls, peers: Sequence[Peer], channel: Channel, payload: bytes) -> None:
        raise AssertionError("no Yjs traffic here")

    async def close(self, code: int, reason: str) -> None:
        pass

    async def wait_for(self, count: int) -> None:
        while len(self.received) < count:
            self.arrived.clear()
            await self.arrived.wait()


def person(pid: int, role: Role) -> Principal:
    return Principal(name=f"p{pid}", role=role, group_id=1, person_id=pid)


def comment(cid: int, moderation: str = "visible", author: str = "person:1") -> Change:
    body = {"id": cid, "document": "doc", "moderation": moderation, "body": f"c{cid}"}
    return Change(body, None, Visibility(moderation, False, author))


async def test_bus_events_reach_a_slow_recipient_in_publication_order() -> None:
    broker = Broker()
    async with AsyncExitStack() as stack:
        bus_a = await stack.enter_async_context(MemoryBus(broker))
        bus_b = await stack.enter_async_context(MemoryBus(broker))
        hub_a = await stack.enter_async_context(LiveHub(LOG, bus_a))
        hub_b = await stack.enter_async_context(LiveHub(LOG, bus_b))
        publisher = CommentPublisher(hub_a)
        CommentPublisher(hub_b)
        gate = asyncio.Event()
        reader = RecordingPeer(person(2, Role.FOLLOWER), gate)
        await hub_b.subscribe(topic("doc"), reader)

        for cid in range(1, 9):
            await publisher.publish("doc", [comment(cid)])
        await bus_b.wait_handled(8)  # all eight arrived while the first send is stuck
        gate.set()
        await reader.wait_for(8)

    assert [data["id"] for _, data in reader.received] == list(range(1, 9))


async def test_each_recipient_gets_what_its_role_may_see_encoded_once_per_event() -> None:
    RecordingPeer.calls = []
    async with LiveHub(LOG) as hub:
        publisher = CommentPublisher(hub)
        author = RecordingPeer(person(1, Role.OBSERVER))
        chair = RecordingPeer(person(2, Role.CHAIR))
        secretariat = RecordingPeer(person(3, Role.SECRETARIAT))
        member = RecordingPeer(person(4, Role.MEMBER))
        for peer in (author, chair, secretariat, member):
            await hub.subscribe(topic("doc"), peer)

        pending = comment(7, "pending", author="person:1")
        await publisher.publish("doc", [pending])
        # Approved: the officers and the author had it, the member hears of it now.
        approved = Visibility("visible", False, "person:1")
        await publisher.publish(
            "doc", [Change(pending.comment | {"moderation": "visible"}, pending.after, approved)]
        )
        await member.wait_for(1)
        await author.wait_for(2)

    assert [name for name, _ in member.received] == ["comment-created"]
    for peer in (author, chair, secretariat):
        assert [name for name, _ in peer.received] == ["comment-created", "comment-updated"]
    # One send per (message, event): the encoding is shared by its recipients.
    assert sorted((event, len(ids)) for event, _, ids in RecordingPeer.calls) == [
        ("comment-created", 1),
        ("comment-created", 3),
        ("comment-updated", 3),
    ]


async def test_history_then_live_without_gap_or_duplicate() -> None:
    hub = LiveHub(LOG)  # not started: each publication is delivered before it returns
    publisher = SessionPublisher(hub)
    follower = RecordingPeer(person(5, Role.FOLLOWER))
    stored = [{"id": 1}, {"id": 3}]

    async def history() -> tuple[Sequence[tuple[str, Any]], Collection[int]]:
        # While the history is read, segments 3 (committed, in it) and 2 (committed
        # later with a smaller id, not in it) and a status change are published.
        await publisher.publish(1, "transcript-segment", {"id": 3})
        await publisher.publish(1, "transcript-segment", {"id": 2})
        await publisher.publish(1, "session-status", {"status": "live"})
        return [("transcript-history", {"segments": stored})], {1, 3}

    await hub.subscribe(session_topic(1), follower, history)
    await publisher.publish(1, "transcript-segment", {"id": 3})  # a late copy
    await publisher.publish(1, "transcript-segment", {"id": 4})

    assert follower.received == [
        ("transcript-history", {"segments": stored}),
        ("transcript-segment", {"id": 2}),
        ("session-status", {"status": "live"}),
        ("transcript-segment", {"id": 4}),
    ]


async def test_a_failed_delivery_is_logged_and_the_next_goes_out() -> None:
    async with LiveHub(LOG) as hub:
        publisher = SessionPublisher(hub)
        broken = RecordingPeer(person(6, Role.FOLLOWER))
        broken.fail_on = "session-status"
        other = RecordingPeer(person(7, Role.FOLLOWER))
        await hub.subscribe(session_topic(2), other)  # first in the shared send
        await hub.subscribe(session_topic(2), broken)
        await publisher.publish(2, "session-status", {"status": "live"})
        await publisher.publish(2, "transcript-segment", {"id": 1})
        await other.wait_for(2)

    assert broken.received == [("transcript-segment", {"id": 1})]
