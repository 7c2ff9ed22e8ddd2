"""The y-websocket transport at ``/ws/<document>``: standard y-protocols framing.

A stock ``y-websocket`` ``WebsocketProvider`` works unchanged; the token comes as
``?token=``. Broadcast frames are built once and written straight to every
recipient's socket.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from aiohttp import WSMsgType, web

from crdt import protocol
from crdt.encoding import DecodeError
from crdt.protocol import MessageType, SyncType
from server.auth.access import AccessPolicy
from server.auth.credentials import request_token
from server.auth.principal import Principal
from server.errors import BadInput, RateLimited, ReadOnly, RollingTextError
from server.logs import client_error_logger
from server.rooms.manager import RoomManager
from server.rooms.names import check_document_name
from server.rooms.peer import Channel, Peer
from server.rooms.room import Room
from server.settings import Settings
from server.tasks import spawn
from server.transports.direct import CLOSE_SLOW_CONSUMER, DirectSocket
from server.transports.wsframe import binary_frame


class WebSocketPeer(Peer):
    transport_name = "ws"

    def __init__(
        self, principal: Principal, ws: web.WebSocketResponse, transport: asyncio.BaseTransport
    ) -> None:
        super().__init__(principal)
        self.ws = ws
        self.direct = DirectSocket(
            transport, lambda: spawn(self.close(CLOSE_SLOW_CONSUMER, "too slow to keep up"))
        )
        self.told_read_only = False

    @classmethod
    async def fanout(cls, peers: Sequence[Peer], channel: Channel, payload: bytes) -> None:
        message = (
            protocol.sync_update(payload)
            if channel is Channel.UPDATE
            else protocol.awareness(payload)
        )
        frame = binary_frame(message)
        for peer in peers:
            assert isinstance(peer, WebSocketPeer)
            peer.direct.write(frame)

    async def close(self, code: int, reason: str) -> None:
        await self.ws.close(code=code, message=reason.encode()[:120])


class WebSocketTransport:
    def __init__(
        self,
        rooms: RoomManager,
        access: AccessPolicy,
        settings: Settings,
        logger: logging.Logger,
    ) -> None:
        self._rooms = rooms
        self._access = access
        self._settings = settings
        self._log = logger
        # One line per refused connection, rate-limited (a flood is not a log flood).
        self._refused = client_error_logger(logger, "refused", logging.INFO)

    def routes(self) -> list[web.RouteDef]:
        return [web.get("/ws/{document}", self.handle)]

    async def handle(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(
            max_msg_size=self._settings.max_message_bytes,
            compress=False,  # no per-recipient compression: frames are shared
            heartbeat=self._settings.heartbeat_seconds,
        )
        await ws.prepare(request)
        transport = request.transport
        assert transport is not None
        try:
            name = check_document_name(request.match_info["document"])
            grant = await self._access.open_document(request_token(request), name)
            peer = WebSocketPeer(grant.principal, ws, transport)
            room = await self._rooms.join(name, peer, create=grant.create)
        except RollingTextError as exc:
            self._refused.info(
                "ws refused %.80r from %s: %s",
                request.match_info["document"],
                request.remote,
                exc.code,
            )
            await ws.close(code=exc.ws_close_code, message=exc.message.encode()[:120])
            return ws
        try:
            await ws.send_bytes(protocol.sync_step1(room.state_vector()))
            present = room.awareness.encode_present()
            if present is not None:
                await ws.send_bytes(protocol.awareness(present))
            async for msg in ws:
                if msg.type is WSMsgType.BINARY:
                    try:
                        await self._on_message(room, peer, msg.data)
                    except (BadInput, RateLimited) as exc:
                        self._log.info("ws %s on %s: %s", peer, room.name, exc.message)
                        await ws.close(code=exc.ws_close_code, message=exc.message.encode()[:120])
                        break
                elif msg.type is WSMsgType.TEXT:
                    await ws.close(code=4400, message=b"y-websocket messages are binary")
                    break
        finally:
            self._rooms.leave(room, peer)
        return ws

    async def _on_message(self, room: Room, peer: WebSocketPeer, data: bytes) -> None:
        try:
            message = protocol.decode(data)
        except DecodeError as exc:
            raise BadInput(f"malformed y-protocols message: {exc}") from exc
        if message.type is MessageType.SYNC:
            if message.sync_type is SyncType.STEP1:
                await peer.ws.send_bytes(protocol.sync_step2(room.missing_for(message.payload)))
                return
            try:
                room.receive_update(peer, message.payload)
            except ReadOnly:
                if not peer.told_read_only:
                    peer.told_read_only = True
                    await peer.ws.send_bytes(protocol.permission_denied("read-only"))
        elif message.type is MessageType.AWARENESS:
            room.receive_awareness(peer, message.payload)
        elif message.type is MessageType.QUERY_AWARENESS:
            present = room.awareness.encode_present()
            if present is not None:
                await peer.ws.send_bytes(protocol.awareness(present))
