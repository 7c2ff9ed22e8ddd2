"""What a document connection serves beyond the Yjs protocol, registered by the domains.

Transport-neutral: a domain registers plain async handlers and topics here, and
a transport that carries named events (Socket.IO) reads them; errors the
handlers raise (``RollingTextError``) are mapped to acks by the transport.

- ``on_document``: events served on every document connection (``comment-*``),
  each ``handler(principal, document, data) -> ack``, and topics such a
  connection follows while open (``comments:<document>``), optionally with a
  history sent first (``paragraphs:<document>``: history then live).
- ``extend``: a read-only view on namespaces ``<prefix><key>`` of its own (a
  session's follow view), which opens, greets, answers and leaves by itself.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol

from server.auth.principal import Principal
from server.live.hub import History, LiveHub
from server.rooms.peer import EventPeer

# (principal, document, the event's data) -> the ack.
EventHandler = Callable[[Principal, str, Any], Awaitable[dict[str, Any]]]
# (the peer, its document) -> the history to send it before the topic's live events.
HistoryFor = Callable[[EventPeer, str], History]


class View(Protocol):
    """A read-only view served on namespaces ``<prefix><key>`` (e.g. a session's follow)."""

    prefix: str

    async def open(self, key: str, token: str | None) -> tuple[Principal, str | None, Any]:
        """(principal, document to sync or None (events only), context) or a
        RollingTextError."""

    async def greet(self, peer: EventPeer, context: Any) -> None: ...

    async def leave(self, peer: EventPeer, context: Any) -> None: ...

    async def handle(
        self, principal: Principal, context: Any, event: str, data: Any
    ) -> dict[str, Any]:
        """Answer an event the document protocol does not know; BadInput if unknown."""


class LiveEvents:
    def __init__(self, hub: LiveHub) -> None:
        self._hub = hub
        self._handlers: dict[str, EventHandler] = {}
        self._topics: list[tuple[Callable[[str], str], HistoryFor | None]] = []
        self.views: list[View] = []

    def on_document(
        self,
        handlers: Mapping[str, EventHandler],
        topic: Callable[[str], str] | None = None,
        history: HistoryFor | None = None,
    ) -> None:
        """Serve ``handlers`` on every document connection; with ``topic``, such a
        connection follows ``topic(document)`` while it is open (with ``history``:
        history then live, no gap and no duplicate)."""
        self._handlers.update(handlers)
        if topic is not None:
            self._topics.append((topic, history))

    def extend(self, view: View) -> None:
        self.views.append(view)

    def view_for(self, namespace: str) -> View | None:
        return next((v for v in self.views if namespace.startswith(v.prefix)), None)

    def handler(self, event: str) -> EventHandler | None:
        return self._handlers.get(event)

    async def joined(self, peer: EventPeer, document: str) -> None:
        """A document connection opened: it follows the document's topics."""
        for topic, history in self._topics:
            if history is None:
                await self._hub.subscribe(topic(document), peer)

    async def greeted(self, peer: EventPeer, document: str) -> None:
        """The connection is open (the client hears events now): it follows the
        document's topics that send a history, history first."""
        for topic, history in self._topics:
            if history is not None:
                await self._hub.subscribe(topic(document), peer, history(peer, document))

    async def left(self, peer: EventPeer, document: str) -> None:
        for topic, _ in self._topics:
            await self._hub.unsubscribe(topic(document), peer)
