"""Live delivery of a session's events (status, stream links, transcript) to its followers.

A follower joins with history-then-live and no gap or duplicate: it is
subscribed first with its live events held back, the history is read and sent,
then the held events newer than the history are released. Events reach other
processes on the bus; each process delivers to its own followers, encoding an
event once for all of them.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from server.scaleout.bus import DocumentBus
from server.tasks import spawn
from server.transports.socketio import SocketIOPeer


@dataclass
class _Follower:
    peer: SocketIOPeer
    # Events that arrived before this follower's history was sent; None once live.
    held: list[tuple[str, dict[str, Any]]] | None = field(default_factory=list)
    # Segment ids its history carried: an event published before the history was
    # read may still be on its way, and must not reach this follower twice.
    history: frozenset[int] = frozenset()

    def already_has(self, event: str, data: dict[str, Any]) -> bool:
        return event == "transcript-segment" and int(data["id"]) in self.history


YIELDS_BEFORE_FANOUT = 4


def topic(session_id: int) -> str:
    return f"session:{session_id}"


class SessionHub:
    def __init__(self, logger: logging.Logger, bus: DocumentBus | None = None) -> None:
        self._log = logger
        self._bus = bus
        self._followers: dict[int, dict[str, _Follower]] = {}
        self._pending: asyncio.Queue[tuple[int, str, dict[str, Any]]] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None

    async def subscribe(self, session_id: int, peer: SocketIOPeer) -> None:
        """Start holding live events for ``peer``; call ``release`` after its history."""
        followers = self._followers.setdefault(session_id, {})
        first = not followers
        followers[peer.id] = _Follower(peer)
        if first and self._bus is not None:
            await self._bus.follow(topic(session_id), self._from_bus(session_id))

    async def release(self, session_id: int, peer: SocketIOPeer, history: set[int]) -> None:
        """Send the held events the history did not cover, then go live.

        Skips by id membership, not by "id <= newest in history": on PostgreSQL two
        appends may commit out of id order, and the later-committed, smaller id
        must still reach the follower.
        """
        follower = self._followers.get(session_id, {}).get(peer.id)
        if follower is None or follower.held is None:
            return
        follower.history = frozenset(history)
        while follower.held:
            held, follower.held = follower.held, []
            for event, data in held:
                if not follower.already_has(event, data):
                    await SocketIOPeer.send_event([peer], event, data)
        follower.held = None

    async def unsubscribe(self, session_id: int, peer: SocketIOPeer) -> None:
        followers = self._followers.get(session_id)
        if not followers or followers.pop(peer.id, None) is None:
            return
        if not followers:
            del self._followers[session_id]
            if self._bus is not None:
                await self._bus.unfollow(topic(session_id))

    async def __aenter__(self) -> SessionHub:
        self._worker = asyncio.create_task(self._deliver_in_order(), name="session-hub")
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._worker is not None:
            self._worker.cancel()
            await asyncio.gather(self._worker, return_exceptions=True)
            self._worker = None

    async def publish(self, session_id: int, event: str, data: dict[str, Any]) -> None:
        """Deliver to this process's followers and, over the bus, to everyone else's.

        Returns once the event is queued (the caller's transaction is already
        committed); one worker delivers events in the order they were published,
        whether they come from this process or over the bus.
        """
        if self._bus is not None:
            payload = json.dumps({"event": event, "data": data}, default=str).encode()
            self._bus.publish_event(topic(session_id), payload)
        await self._enqueue(session_id, event, data)

    async def _enqueue(self, session_id: int, event: str, data: dict[str, Any]) -> None:
        if self._worker is None:  # not started as a service: deliver inline
            await self._deliver(session_id, event, data)
        else:
            self._pending.put_nowait((session_id, event, data))

    async def _deliver_in_order(self) -> None:
        while True:
            session_id, event, data = await self._pending.get()
            # Yield a few loop turns first: the publisher's reply (a captioner's ack)
            # passes through Engine.IO's writer task, which needs them to go out
            # before this fan-out to every follower occupies the loop.
            for _ in range(YIELDS_BEFORE_FANOUT):
                await asyncio.sleep(0)
            try:
                await self._deliver(session_id, event, data)
            except Exception:
                self._log.exception("delivering %s to session %s failed", event, session_id)

    def _from_bus(self, session_id: int) -> Callable[[bytes], None]:
        def handle(payload: bytes) -> None:
            message = json.loads(payload)
            spawn(self._enqueue(session_id, message["event"], message["data"]))

        return handle

    async def _deliver(self, session_id: int, event: str, data: dict[str, Any]) -> None:
        live: list[SocketIOPeer] = []
        for follower in list(self._followers.get(session_id, {}).values()):
            if follower.held is not None:
                follower.held.append((event, data))
            elif not follower.already_has(event, data):
                live.append(follower.peer)
        await SocketIOPeer.send_event(live, event, data)
