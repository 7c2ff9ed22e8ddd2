"""Write prebuilt WebSocket frames straight to a connection's socket.

Both transports broadcast by building a frame once and handing the same bytes to
every recipient's transport: no per-recipient encoding, queue, task or wake-up.
A recipient whose unsent backlog passes a bound is too slow to keep up: it is
disconnected (and resyncs on reconnect) instead of growing server memory.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

# About a minute of a busy plenary's traffic; a healthy client never gets near it.
SLOW_CONSUMER_BYTES = 8 * 1024 * 1024
CLOSE_SLOW_CONSUMER = 4408  # WebSocket close code sent to such a client


class DirectSocket:
    def __init__(self, transport: asyncio.BaseTransport, on_slow: Callable[[], object]) -> None:
        assert isinstance(transport, asyncio.WriteTransport)
        self._transport = transport
        self._on_slow = on_slow
        self._slow = False

    @property
    def closing(self) -> bool:
        return self._slow or self._transport.is_closing()

    def write(self, frame: bytes) -> bool:
        """Queue ``frame`` for sending; False if the connection is closing or too slow."""
        if self.closing:
            return False
        if self._transport.get_write_buffer_size() > SLOW_CONSUMER_BYTES:
            self._slow = True
            self._on_slow()
            return False
        self._transport.write(frame)
        return True
