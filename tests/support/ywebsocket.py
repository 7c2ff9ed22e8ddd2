"""A minimal y-websocket (y-protocols framing) client over aiohttp, for tests."""

from __future__ import annotations

import asyncio
from types import TracebackType

import aiohttp
import pycrdt

from crdt import protocol
from crdt.protocol import MessageType, SyncType


class YWebSocketClient:
    def __init__(self, ws_url: str, document: str, token: str | None) -> None:
        self.url = f"{ws_url}/{document}" + (f"?token={token}" if token is not None else "")
        self.doc = pycrdt.Doc()
        self.permission_denied = 0
        self.awareness: list[bytes] = []
        self.changed = asyncio.Event()
        self._session: aiohttp.ClientSession | None = None
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task[None] | None = None
        self.synced = asyncio.Event()
        self.closed = asyncio.Event()
        self._applying = False
        self._sending: set[asyncio.Future[None]] = set()
        self.doc.observe(self._on_local)

    async def __aenter__(self) -> YWebSocketClient:
        self._session = aiohttp.ClientSession()
        self.ws = await self._session.ws_connect(self.url, max_msg_size=0)
        self._reader = asyncio.create_task(self._read())
        await self.ws.send_bytes(protocol.sync_step1(self.doc.get_state()))
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)
        if self._session is not None:
            await self._session.close()

    @property
    def close_code(self) -> int | None:
        return self.ws.close_code if self.ws is not None else None

    async def wait_closed(self, timeout: float = 5.0) -> int | None:
        await asyncio.wait_for(self.closed.wait(), timeout)
        return self.close_code

    async def send(self, frame: bytes | str) -> None:
        assert self.ws is not None
        if isinstance(frame, str):
            await self.ws.send_str(frame)
        else:
            await self.ws.send_bytes(frame)

    async def wait_for(self, predicate: object, timeout: float = 5.0) -> None:
        async def wait() -> None:
            while not predicate(self.doc):  # type: ignore[operator]
                self.changed.clear()
                await self.changed.wait()

        await asyncio.wait_for(wait(), timeout)

    def _on_local(self, event: object) -> None:
        if not self._applying and self.ws is not None and not self.ws.closed:
            update = event.update  # type: ignore[attr-defined]
            task = asyncio.ensure_future(self.ws.send_bytes(protocol.sync_update(update)))
            self._sending.add(task)
            task.add_done_callback(self._sending.discard)

    def _apply(self, update: bytes) -> None:
        self._applying = True
        try:
            self.doc.apply_update(update)
        finally:
            self._applying = False
        self.changed.set()

    async def _read(self) -> None:
        assert self.ws is not None
        try:
            async for msg in self.ws:
                if msg.type is not aiohttp.WSMsgType.BINARY:
                    continue
                message = protocol.decode(msg.data)
                if message.type is MessageType.SYNC:
                    if message.sync_type is SyncType.STEP1:
                        await self.ws.send_bytes(
                            protocol.sync_step2(self.doc.get_update(message.payload))
                        )
                    else:
                        self._apply(message.payload)
                        if message.sync_type is SyncType.STEP2:
                            self.synced.set()
                elif message.type is MessageType.AWARENESS:
                    self.awareness.append(message.payload)
                    self.changed.set()
                elif message.type is MessageType.AUTH:
                    self.permission_denied += 1
                    self.changed.set()
        finally:
            self.closed.set()
            self.changed.set()
