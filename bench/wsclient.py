"""A minimal RFC 6455 WebSocket client as an asyncio ``Protocol``.

The load generator must cost far less CPU than the server it measures, so a
follower is not a coroutine per message: frames are parsed straight out of
``data_received`` and handed to a callback with the time the bytes were read.
Loopback only, no extensions (no permessage-deflate), no TLS.
"""

from __future__ import annotations

import asyncio
import base64
import os
import struct
import time
from collections.abc import Callable

OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA

# (opcode, payload, receive time) for every complete data frame
OnMessage = Callable[[int, bytes, float], None]


def _mask(payload: bytes, key: bytes) -> bytes:
    n = len(payload)
    if n == 0:
        return payload
    repeated = (key * (n // 4 + 1))[:n]
    return (int.from_bytes(payload, "big") ^ int.from_bytes(repeated, "big")).to_bytes(n, "big")


def client_frame(opcode: int, payload: bytes) -> bytes:
    """A final, masked client-to-server frame."""
    n = len(payload)
    key = os.urandom(4)
    if n < 126:
        header = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
    elif n < 1 << 16:
        header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
    else:
        header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
    return header + key + _mask(payload, key)


class WebSocketProtocol(asyncio.Protocol):
    def __init__(
        self,
        host: str,
        port: int,
        path: str,
        on_message: OnMessage,
        on_open: Callable[[WebSocketProtocol], None] | None = None,
    ) -> None:
        self._request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
        self.on_message = on_message
        self.on_open = on_open
        self.transport: asyncio.Transport | None = None
        self.upgraded: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.closed: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._buf = b""
        self._fragments: list[bytes] = []
        self._fragment_op = 0
        self._handshake_done = False

    # -- asyncio.Protocol --------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        if self.on_open is not None:
            self.on_open(self)  # before any frame arrives: handlers may need to reply
        transport.write(self._request)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.upgraded.done():
            self.upgraded.set_exception(exc or ConnectionError("closed during handshake"))
        if not self.closed.done():
            self.closed.set_result(1006)

    def data_received(self, data: bytes) -> None:
        now = time.monotonic()
        buf = self._buf + data if self._buf else data
        if not self._handshake_done:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                self._buf = buf
                return
            status = buf[: buf.find(b"\r\n")]
            if b" 101 " not in status + b" ":
                self.upgraded.set_exception(ConnectionError(status.decode(errors="replace")))
                assert self.transport is not None
                self.transport.close()
                return
            self._handshake_done = True
            self.upgraded.set_result(None)
            buf = buf[end + 4 :]
        pos = 0
        size = len(buf)
        while size - pos >= 2:
            b0 = buf[pos]
            n = buf[pos + 1] & 0x7F
            start = pos + 2
            if n == 126:
                if size - pos < 4:
                    break
                n = (buf[pos + 2] << 8) | buf[pos + 3]
                start = pos + 4
            elif n == 127:
                if size - pos < 10:
                    break
                (n,) = struct.unpack_from("!Q", buf, pos + 2)
                start = pos + 10
            end = start + n
            if end > size:
                break
            pos = end
            self._frame(b0 & 0x80, b0 & 0x0F, buf[start:end], now)
        self._buf = buf[pos:] if pos < size else b""

    # -- frames -------------------------------------------------------------------

    def _frame(self, fin: int, opcode: int, payload: bytes, now: float) -> None:
        if opcode in (OP_TEXT, OP_BINARY):
            if fin:
                self.on_message(opcode, payload, now)
            else:
                self._fragment_op = opcode
                self._fragments = [payload]
        elif opcode == OP_CONT:
            self._fragments.append(payload)
            if fin:
                data, self._fragments = b"".join(self._fragments), []
                self.on_message(self._fragment_op, data, now)
        elif opcode == OP_PING:
            self._write(OP_PONG, payload)
        elif opcode == OP_CLOSE:
            code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
            if not self.closed.done():
                self.closed.set_result(code)
            self._write(OP_CLOSE, payload[:2])
            assert self.transport is not None
            self.transport.close()

    def _write(self, opcode: int, payload: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(client_frame(opcode, payload))

    def send_binary(self, payload: bytes) -> None:
        self._write(OP_BINARY, payload)

    def send_text(self, text: str) -> None:
        self._write(OP_TEXT, text.encode())

    def close(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self._write(OP_CLOSE, struct.pack("!H", 1000))
            self.transport.close()


async def connect(
    host: str,
    port: int,
    path: str,
    on_message: OnMessage,
    timeout: float = 10.0,
    on_open: Callable[[WebSocketProtocol], None] | None = None,
) -> WebSocketProtocol:
    """Open a WebSocket to ``ws://host:port/path``; ``on_message`` sees every frame."""
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError("the benchmark only connects to the loopback interface")
    loop = asyncio.get_running_loop()

    def factory() -> WebSocketProtocol:
        return WebSocketProtocol(host, port, path, on_message, on_open)

    _, proto = await asyncio.wait_for(loop.create_connection(factory, host, port), timeout)
    await asyncio.wait_for(proto.upgraded, timeout)
    return proto
