"""The Socket.IO transport, compatible with the ``y-socket.io`` client.

One namespace per document, ``/yjs|<document>``; events ``sync-step-1`` (answered
through the ack), ``sync-step-2``, ``sync-update`` and ``awareness-update`` carry
raw Yjs bytes. The token comes in the handshake ``auth`` (``{"token": ...}``).
A ``sync-update`` sent with an ack is acknowledged only once it is durable.
Other events (``comment-*``, a session's follow view) are the domains', read from
the transport-neutral registry ``LiveEvents``; their errors become acks here.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import socketio
from aiohttp import web
from engineio import packet as eio_packet
from engineio.async_drivers.aiohttp import WebSocket as EngineIOWebSocket

from server.auth.access import AccessPolicy
from server.auth.credentials import handshake_token
from server.auth.principal import Principal
from server.edge.bodies import body_limit
from server.edge.origins import OriginPolicy
from server.errors import BadInput, RateLimited, ReadOnly, RollingTextError
from server.live.events import LiveEvents, View
from server.logs import client_error_logger
from server.rooms.manager import RoomManager
from server.rooms.names import check_document_name
from server.rooms.peer import Channel, EventPeer, Peer
from server.rooms.room import Room
from server.settings import Settings
from server.tasks import spawn
from server.transports.direct import CLOSE_SLOW_CONSUMER, DirectSocket
from server.transports.wsframe import binary_frame, text_frame

NAMESPACE_PREFIX = "/yjs|"
EVENT_OF = {Channel.UPDATE: "sync-update", Channel.AWARENESS: "awareness-update"}
SOCKETIO_PATH = "/socket.io/"
DIRECT_SOCKET = "rollingtext.direct_socket"  # environ key: the connection's DirectSocket


class SocketIOPeer(EventPeer):
    transport_name = "sio"

    def __init__(
        self,
        principal: Principal,
        sio: socketio.AsyncServer,
        namespace: str,
        sid: str,
        direct: DirectSocket | None,
    ) -> None:
        super().__init__(principal)
        self.sio = sio
        self.namespace = namespace
        self.sid = sid
        self.eio_sid = sio.manager.eio_sid_from_sid(sid, namespace)
        # None when the client came in over long-polling: then Engine.IO's queue is used.
        self.direct = direct

    @property
    def fanout_group(self) -> object:
        return (SocketIOPeer, self.namespace)  # a packet names its namespace

    @classmethod
    async def fanout(cls, peers: Sequence[Peer], channel: Channel, payload: bytes) -> None:
        await cls.send_events(peers, EVENT_OF[channel], payload)

    @classmethod
    async def send_events(cls, peers: Sequence[Peer], event: str, data: Any) -> None:
        """Send one event to many peers of one namespace, encoded once for all."""
        if not peers:
            return
        first = peers[0]
        assert isinstance(first, SocketIOPeer)
        sio = first.sio
        pkt = sio.packet_class(socketio.packet.EVENT, namespace=first.namespace, data=[event, data])
        encoded = pkt.encode()
        parts = encoded if isinstance(encoded, list) else [encoded]
        eio_packets = [eio_packet.Packet(eio_packet.MESSAGE, part) for part in parts]
        # WebSocket clients get the same frame bytes, written straight to their socket.
        frames = b"".join(
            binary_frame(p) if isinstance(p, bytes) else text_frame(p)
            for p in (e.encode() for e in eio_packets)
        )
        for peer in peers:
            assert isinstance(peer, SocketIOPeer)
            if peer.direct is not None:
                peer.direct.write(frames)
            else:
                for eio_pkt in eio_packets:
                    await sio.eio.send_packet(peer.eio_sid, eio_pkt)

    def refused(self, error: RollingTextError) -> None:
        """An ``error`` event (``paragraph_locked``, ``governed_state``); the update it
        answers is still acknowledged once durable, and the connection stays."""
        spawn(
            self.sio.emit(
                "error", error.to_dict(), to=self.sid, namespace=self.namespace, ignore_queue=True
            )
        )

    async def close(self, code: int, reason: str) -> None:
        await self.sio.emit(
            "error",
            {"code": f"closed_{code}", "message": reason},
            to=self.sid,
            namespace=self.namespace,
        )
        await self.sio.disconnect(self.sid, namespace=self.namespace)


class _DirectWebSocket(EngineIOWebSocket):  # type: ignore[misc]
    """Engine.IO's aiohttp WebSocket, writing frames straight to the socket.

    No permessage-deflate (no per-recipient zlib), and every frame, Engine.IO's
    own or a broadcast, is one synchronous write: a broadcast can never land
    between a binary event's placeholder and its attachment.
    """

    # Every open one, so a shutdown can close them without waiting on clients.
    live: ClassVar[weakref.WeakSet[_DirectWebSocket]] = weakref.WeakSet()

    async def __call__(self, environ: dict[str, Any]) -> web.WebSocketResponse:
        request = environ["aiohttp.request"]
        self._sock = web.WebSocketResponse(
            max_msg_size=self.server.max_http_buffer_size, compress=False
        )
        await self._sock.prepare(request)
        self.environ = environ
        self.direct = DirectSocket(request.transport, self._too_slow)
        environ[DIRECT_SOCKET] = self.direct
        _DirectWebSocket.live.add(self)
        try:
            await self.handler(self)
        except (ValueError, IndexError, KeyError, TypeError) as exc:
            # Engine.IO's own parsing of a client's garbage (``int("¶")`` of a packet
            # type during the upgrade): a client error, one line, no traceback.
            self.server.logger.info("refused a malformed Engine.IO frame: %.200s", exc)
            await self._sock.close(
                code=BadInput.ws_close_code, message=b"malformed Engine.IO frame"
            )
        finally:
            _DirectWebSocket.live.discard(self)
        return self._sock

    async def going_away(self) -> None:
        """Close the WebSocket itself (1001): some clients take seconds to do it
        after Engine.IO's close packet, and graceful shutdown would wait for them."""
        await self._sock.close(code=1001, message=b"server shutting down")

    def _too_slow(self) -> None:
        spawn(self._sock.close(code=CLOSE_SLOW_CONSUMER, message=b"too slow to keep up"))

    async def send(self, message: str | bytes) -> None:
        self.direct.write(
            binary_frame(message) if isinstance(message, bytes) else text_frame(message)
        )


@dataclass
class _Seat:
    room: Room | None  # None: a view of no document
    peer: SocketIOPeer
    view: View | None = None
    context: Any = None


def _error(exc: RollingTextError) -> dict[str, Any]:
    return {"error": exc.to_dict()}


def _payload(args: tuple[Any, ...], what: str) -> bytes:
    if not args or not isinstance(args[0], bytes | bytearray):
        raise BadInput(f"{what} expects one binary payload (raw Yjs bytes)")
    return bytes(args[0])


class SocketIOTransport:
    def __init__(
        self,
        rooms: RoomManager,
        access: AccessPolicy,
        settings: Settings,
        logger: logging.Logger,
        events: LiveEvents,
        client_manager: socketio.AsyncManager | None = None,
    ) -> None:
        self._rooms = rooms
        self._access = access
        self._events = events
        self._log = logger
        self._origins = OriginPolicy(settings.allowed_origins)
        self._max_body = settings.max_message_bytes
        # One line per refused connection, rate-limited (a flood is not a log flood).
        self._refused = client_error_logger(logger, "refused", logging.INFO)
        self.sio = socketio.AsyncServer(
            async_mode="aiohttp",
            namespaces="*",
            # Only pages of allowed origins may connect from a browser (Engine.IO
            # refuses others, and answers CORS for no one else): the handshake
            # carries the session cookie, and WebSockets are not subject to CORS.
            cors_allowed_origins=self._origin_allowed,
            max_http_buffer_size=settings.max_message_bytes,
            ping_interval=settings.heartbeat_seconds,
            http_compression=False,
            client_manager=client_manager,
            transports=["websocket"] if settings.websocket_only else ["polling", "websocket"],
            # Malformed packets: one line each, no traceback (see server.logs).
            logger=client_error_logger(logger, "socketio"),
            engineio_logger=client_error_logger(logger, "engineio"),
        )
        self.sio.eio._async = {**self.sio.eio._async, "websocket": _DirectWebSocket}
        self._seats: dict[tuple[str, str], _Seat] = {}
        self.sio.on("connect", self._on_connect, namespace="*")
        self.sio.on("disconnect", self._on_disconnect, namespace="*")
        self.sio.on("*", self._on_event, namespace="*")
        self.sio.eio.on("disconnect", self._on_eio_disconnect)

    async def _on_eio_disconnect(self, eio_sid: str, reason: Any = None) -> None:
        """python-socketio's own clean-up, then wake a long-poll still waiting.

        Engine.IO answers a polling client's CLOSE without waking the GET that client
        has pending, so that GET (and a client awaiting its own disconnect) would hang
        for a whole ping interval plus timeout: a delegate on long-polling leaving, or
        a restart, would hold a request open for ~25 s for nothing. ``None`` in the
        socket's queue ends that GET at once with an empty payload."""
        try:
            await self.sio._handle_eio_disconnect(eio_sid, reason)
        finally:
            socket = self.sio.eio.sockets.get(eio_sid)
            if socket is not None and not socket.upgraded:
                socket.queue.put_nowait(None)

    def attach(self, app: web.Application) -> None:
        """Serve Engine.IO at ``/socket.io/``; long-polling POSTs may carry a whole
        document, so this route alone accepts bodies up to ``max_message_bytes``."""

        @body_limit(self._max_body)
        async def engineio(request: web.Request) -> web.StreamResponse:
            response: web.StreamResponse = await self.sio.handle_request(request)
            return response

        for method in ("GET", "POST", "OPTIONS"):
            app.router.add_route(method, SOCKETIO_PATH, engineio)

    def _origin_allowed(self, origin: str | None, environ: dict[str, Any]) -> bool:
        if origin is None:
            return True  # not a browser page: a script or a native client
        request: web.Request = environ["aiohttp.request"]
        return self._origins.allows(origin, request.scheme, request.headers)

    async def shutdown(self) -> None:
        """Close every Engine.IO connection (graceful shutdown would wait on them)."""
        if self.sio.eio.sockets:  # engineio's disconnect-all fails on an empty set
            await self.sio.eio.disconnect()
        await asyncio.gather(
            *(ws.going_away() for ws in list(_DirectWebSocket.live)), return_exceptions=True
        )
        await self.sio.shutdown()

    async def _on_connect(
        self, namespace: str, sid: str, environ: dict[str, Any], auth: Any = None
    ) -> None:
        token = handshake_token(auth, environ)
        view = self._events.view_for(namespace)
        context: Any = None
        try:
            if view is not None:
                principal, opened, context = await view.open(namespace[len(view.prefix) :], token)
                name, create = opened, False
            elif namespace.startswith(NAMESPACE_PREFIX):
                name = check_document_name(namespace[len(NAMESPACE_PREFIX) :])
                grant = await self._access.open_document(token, name)
                principal, create = grant.principal, grant.create
            else:
                raise BadInput(f"unknown namespace; documents live under {NAMESPACE_PREFIX}<name>")
            peer = SocketIOPeer(principal, self.sio, namespace, sid, environ.get(DIRECT_SOCKET))
            peer.read_only_connection = view is not None
            if name is None:  # a view of no document (a working group's live topic)
                return await self._seat_view(namespace, sid, peer, view, context)
            room = await self._rooms.join(name, peer, create=create)
        except RollingTextError as exc:
            self._refused.info(
                "sio refused %.80r from %s: %s", namespace, environ.get("REMOTE_ADDR"), exc.code
            )
            raise socketio.exceptions.ConnectionRefusedError(exc.message, exc.to_dict()) from exc
        if view is None:
            await self._events.joined(peer, room.name)  # e.g. the document's comments
        socket = self.sio.eio.sockets.get(peer.eio_sid)
        if socket is None or socket.closed:
            # Gone while we awaited the database: python-socketio will never call our
            # disconnect handler for a connect that had not completed.
            self._rooms.leave(room, peer)
            if view is None:
                await self._events.left(peer, room.name)
            return
        seat = _Seat(room, peer, view, context)
        self._seats[(namespace, sid)] = seat
        # The CONNECT packet is queued when this handler returns; greet after it.
        asyncio.get_running_loop().call_soon(lambda: spawn(self._greet(seat)))

    async def _seat_view(
        self, namespace: str, sid: str, peer: SocketIOPeer, view: View | None, context: Any
    ) -> None:
        """A view that syncs no document: no room, events only (greeted after CONNECT)."""
        assert view is not None
        socket = self.sio.eio.sockets.get(peer.eio_sid)
        if socket is None or socket.closed:
            return
        seat = _Seat(None, peer, view, context)
        self._seats[(namespace, sid)] = seat

        async def greet() -> None:
            await view.greet(peer, context)
            if self._seats.get((namespace, sid)) is not seat:  # left meanwhile
                await view.leave(peer, context)

        asyncio.get_running_loop().call_soon(lambda: spawn(greet()))

    async def _greet(self, seat: _Seat) -> None:
        room, peer = seat.room, seat.peer
        assert room is not None

        def answered(*args: Any) -> None:
            try:
                update = _payload(args, "the answer to sync-step-1")
                room.receive_update(peer, update)
            except ReadOnly:
                pass
            except RollingTextError as exc:
                spawn(self._report(peer, exc))

        await self.sio.emit(
            "sync-step-1",
            room.state_vector(),
            to=peer.sid,
            namespace=peer.namespace,
            callback=answered,
            ignore_queue=True,  # a local connection: never wait on Redis for it
        )
        present = room.awareness.encode_present()
        if present is not None:
            await self.sio.emit(
                "awareness-update",
                present,
                to=peer.sid,
                namespace=peer.namespace,
                ignore_queue=True,
            )
        if seat.view is not None:
            await seat.view.greet(peer, seat.context)
        else:
            await self._events.greeted(peer, room.name)  # e.g. the paragraphs' history
            if self._seats.get((peer.namespace, peer.sid)) is not seat:  # left meanwhile
                await self._events.left(peer, room.name)

    async def _on_disconnect(self, namespace: str, sid: str, reason: Any = None) -> None:
        seat = self._seats.pop((namespace, sid), None)
        if seat is not None:
            if seat.room is not None:
                self._rooms.leave(seat.room, seat.peer)
            if seat.view is not None:
                await seat.view.leave(seat.peer, seat.context)
            elif seat.room is not None:
                await self._events.left(seat.peer, seat.room.name)

    async def _report(self, peer: SocketIOPeer, exc: RollingTextError) -> None:
        self._log.info("sio %s: %s", peer, exc.message)
        await self.sio.emit(
            "error", exc.to_dict(), to=peer.sid, namespace=peer.namespace, ignore_queue=True
        )

    async def _on_event(self, event: str, namespace: str, sid: str, *args: Any) -> Any:
        seat = self._seats.get((namespace, sid))
        if seat is None:
            return _error(BadInput("not connected to a document"))
        try:
            return await self._dispatch(seat, event, args)
        except ReadOnly as exc:
            return _error(exc)
        except RollingTextError as exc:
            await self._report(seat.peer, exc)
            return _error(exc)
        except Exception:  # a bug, not the client's fault: still answer, with a code
            self._log.exception("sio %s: %s failed", seat.peer, event)
            return _error(RollingTextError("the server could not handle this event"))

    async def _dispatch(self, seat: _Seat, event: str, args: tuple[Any, ...]) -> Any:
        room, peer = seat.room, seat.peer
        if room is None:  # a view of no document: its own events only
            if event in ("sync-step-1", "sync-update", "sync-step-2", "awareness-update"):
                raise BadInput("this namespace carries no document")
            assert seat.view is not None
            return await seat.view.handle(
                peer.principal, seat.context, event, args[0] if args else None
            )
        if event == "sync-step-1":
            return room.missing_for(_payload(args, event))
        if event in ("sync-update", "sync-step-2"):
            durable = room.receive_update(peer, _payload(args, event))
            if durable is not None:
                await durable
            return {"ok": True}
        if event == "awareness-update":
            try:
                room.receive_awareness(peer, _payload(args, event))
            except (BadInput, RateLimited) as exc:
                # A flood must not become a flood of log lines: one per connection.
                if not peer.presence_logged:
                    peer.presence_logged = True
                    self._log.info("sio %s: %s", peer, exc.message)
                await self.sio.emit(
                    "error", exc.to_dict(), to=peer.sid, namespace=peer.namespace, ignore_queue=True
                )
                return _error(exc)
            return None
        data = args[0] if args else None
        if seat.view is not None:
            return await seat.view.handle(peer.principal, seat.context, event, data)
        handler = self._events.handler(event)
        if handler is not None:
            return await handler(peer.principal, room.name, data)
        raise BadInput(f"unknown event {event!r}")
