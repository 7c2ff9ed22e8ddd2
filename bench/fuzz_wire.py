"""Raw fuzzing connections: y-websocket and Engine.IO/Socket.IO over ``bench.wsclient``.

Each input gets a verdict from the server's own behaviour:

- y-websocket: after every frame a probe (sync step 1, empty state vector)
  follows; an answer means the frame was taken (or ignored), a close means it
  was refused (the close code is kept).
- Socket.IO: every event asks for an ack; ``{"ok": true}``/data means taken, an
  ``{"error": ...}`` ack or a disconnect means refused. A probe event follows
  each input; an input whose ack has not come ``grace`` seconds after the
  probe's is counted as *silent* (a late ack is still recorded).
"""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from bench import wsclient
from crdt import protocol
from crdt.encoding import DecodeError

ACCEPTED, REFUSED, SILENT, CLOSED = "accepted", "refused", "silent", "closed"


class Conn:
    """A raw WebSocket whose frames are queued for the fuzzer to await."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[tuple[int, bytes]] = asyncio.Queue()
        self.ws: wsclient.WebSocketProtocol | None = None
        self.status: str | None = None  # HTTP status line of a refused upgrade

    async def open(self, port: int, path: str, timeout: float) -> bool:
        def on_message(opcode: int, data: bytes, _now: float) -> None:
            self.queue.put_nowait((opcode, data))

        try:
            self.ws = await wsclient.connect("127.0.0.1", port, path, on_message, timeout)
        except (OSError, TimeoutError) as exc:  # ConnectionError is an OSError
            self.status = f"{type(exc).__name__}: {exc}"
            return False
        return True

    @property
    def closed(self) -> bool:
        return self.ws is None or self.ws.closed.done()

    def close_code(self) -> int | None:
        if self.ws is None or not self.ws.closed.done():
            return None
        return self.ws.closed.result()

    async def next(self, timeout: float) -> tuple[int, bytes] | None:
        """The next frame, or None when the socket closed or ``timeout`` passed."""
        assert self.ws is not None
        getter = asyncio.ensure_future(self.queue.get())
        try:
            done, _ = await asyncio.wait(
                [getter, self.ws.closed], timeout=timeout, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            if not getter.done():
                getter.cancel()
        if getter in done:
            return getter.result()
        if not self.queue.empty():
            return self.queue.get_nowait()
        return None

    def close(self) -> None:
        if self.ws is not None:
            self.ws.close()


# -- y-websocket ---------------------------------------------------------------------------


@dataclass
class WsVerdict:
    verdict: str
    close_code: int | None = None


async def open_ws(port: int, document: str, token: str, timeout: float) -> Conn:
    conn = Conn()
    await conn.open(port, f"/ws/{quote(document, safe='')}?token={quote(token)}", timeout)
    return conn


def _step1s_in(data: bytes | str) -> int:
    """How many sync step 2 answers the server owes for this frame (0 or 1)."""
    if isinstance(data, str):
        return 0
    try:
        message = protocol.decode(data)
    except DecodeError:
        return 0
    return int(
        message.type is protocol.MessageType.SYNC and message.sync_type is protocol.SyncType.STEP1
    )


async def ws_exchange(conn: Conn, data: bytes | str, timeout: float) -> WsVerdict:
    """Send one frame plus a probe; accepted when every owed answer came back."""
    assert conn.ws is not None
    if isinstance(data, str):
        conn.ws.send_text(data)
    else:
        conn.ws.send_binary(data)
    conn.ws.send_binary(protocol.sync_step1(b"\x00"))
    owed = 1 + _step1s_in(data)
    while owed:
        got = await conn.next(timeout)
        if got is None:
            if conn.closed:
                return WsVerdict(REFUSED, conn.close_code())
            return WsVerdict(SILENT)
        opcode, payload = got
        if opcode == wsclient.OP_BINARY and payload[:2] == bytes([0, protocol.SyncType.STEP2]):
            owed -= 1
    return WsVerdict(ACCEPTED)


# -- Socket.IO -----------------------------------------------------------------------------

_HEAD = re.compile(r"^(\d)(?:(\d+)-)?(/[^,]*)?,?(\d*)(.*)$", re.S)


@dataclass
class SioPacket:
    type: int
    namespace: str
    ack_id: int | None
    data: Any
    attachments: list[bytes] = field(default_factory=list)


class SioConn:
    """Engine.IO v4 / Socket.IO v5 by hand, one namespace, acks matched by id."""

    def __init__(self, namespace: str) -> None:
        self.ns = namespace
        self.conn = Conn()
        self.next_id = 1
        self.acks: dict[int, asyncio.Future[SioPacket]] = {}
        self.late: list[SioPacket] = []  # acks that came after their input was called silent
        self.connected: asyncio.Future[SioPacket] = asyncio.get_running_loop().create_future()
        self.errors: list[Any] = []  # "error" events the server emitted
        self._pending: SioPacket | None = None
        self._reader: asyncio.Task[None] | None = None

    def close_code(self) -> int | None:
        """The WebSocket close code the server sent (1006: none), once closed."""
        ws = self.conn.ws
        return ws.closed.result() if ws is not None and ws.closed.done() else None

    async def open(self, port: int, token: str | None, timeout: float) -> SioPacket | None:
        """Connect the namespace: the CONNECT (40) or CONNECT_ERROR (44) packet, or None."""
        if not await self.conn.open(port, "/socket.io/?EIO=4&transport=websocket", timeout):
            return None
        assert self.conn.ws is not None
        auth = {} if token is None else {"token": token}
        hello = f"40{self.ns},{json.dumps(auth)}".encode("utf-8", "surrogatepass")
        self.conn.ws._write(wsclient.OP_TEXT, hello)
        self._reader = asyncio.create_task(self._read())
        done, _ = await asyncio.wait([self.connected], timeout=timeout)
        if not done or self.connected.exception() is not None:
            return None  # closed or silent before answering the CONNECT
        return self.connected.result()

    @property
    def closed(self) -> bool:
        return self.conn.closed

    def close(self) -> None:
        self.conn.close()
        if self._reader is not None:
            self._reader.cancel()

    def send(self, packets: tuple[bytes | str, ...], ack_id: int | None) -> None:
        ws = self.conn.ws
        assert ws is not None
        for packet in packets:
            if isinstance(packet, bytes):
                ws.send_binary(packet)
            else:
                text = packet.replace("{ack}", "" if ack_id is None else str(ack_id))
                # lone surrogates go out as they are: a frame that is not UTF-8
                ws._write(wsclient.OP_TEXT, text.encode("utf-8", "surrogatepass"))

    def expect_ack(self) -> tuple[int, asyncio.Future[SioPacket]]:
        ident = self.next_id
        self.next_id += 1
        future: asyncio.Future[SioPacket] = asyncio.get_running_loop().create_future()
        self.acks[ident] = future
        return ident, future

    def probe(self) -> asyncio.Future[SioPacket]:
        """A cheap acked event (sync step 1 with an empty state vector)."""
        ident, future = self.expect_ack()
        self.send(
            (f'451-{self.ns},{ident}["sync-step-1",{{"_placeholder":true,"num":0}}]', b"\x00"),
            None,
        )
        return future

    async def _read(self) -> None:
        while True:
            got = await self.conn.next(3600)
            if got is None:
                break
            self._on_frame(*got)
        for future in [*self.acks.values(), self.connected]:
            if not future.done():
                future.set_exception(ConnectionError("closed"))
                future.exception()  # retrieved: nobody may be waiting any more

    def _on_frame(self, opcode: int, data: bytes) -> None:
        if opcode == wsclient.OP_BINARY:
            if self._pending is not None:
                self._pending.attachments.append(data)
                need = (
                    self._pending.data.get("_need", 0)
                    if isinstance(self._pending.data, dict)
                    else 0
                )
                if len(self._pending.attachments) >= need:
                    packet, self._pending = self._pending, None
                    self._dispatch(packet)
            return
        text = data.decode("utf-8", "replace")
        if text == "2":
            assert self.conn.ws is not None
            self.conn.ws.send_text("3")
            return
        if not text.startswith("4"):
            return  # Engine.IO open (0), noop, ...
        m = _HEAD.match(text[1:])
        if m is None:
            return
        ptype, count, ns, ident, rest = m.groups()
        try:
            payload: Any = json.loads(rest) if rest else None
        except ValueError:
            payload = rest
        packet = SioPacket(int(ptype), ns or "/", int(ident) if ident else None, payload)
        if count:
            packet.data = {"_need": int(count), "value": payload}
            self._pending = packet
            return
        self._dispatch(packet)

    def _dispatch(self, packet: SioPacket) -> None:
        if packet.type in (0, 4):  # CONNECT / CONNECT_ERROR
            if not self.connected.done():
                self.connected.set_result(packet)
        elif packet.type == 1:  # DISCONNECT: the namespace was closed by the server
            self.conn.close()
        elif packet.type in (3, 6) and packet.ack_id is not None:  # ACK / BINARY_ACK
            future = self.acks.pop(packet.ack_id, None)
            if future is not None and not future.done():
                future.set_result(packet)
            else:
                self.late.append(packet)
        elif packet.type in (2, 5):  # EVENT / BINARY_EVENT
            value = packet.data["value"] if isinstance(packet.data, dict) else packet.data
            if isinstance(value, list) and value:
                if value[0] == "error":
                    self.errors.append(value[1:] if len(value) > 1 else None)
                if value[0] == "sync-step-1" and packet.ack_id is not None:
                    # answer the server's step 1 with an empty update
                    self.send(
                        (
                            f'461-{self.ns},{packet.ack_id}[{{"_placeholder":true,"num":0}}]',
                            b"\x00\x00",
                        ),
                        None,
                    )


def ack_verdict(packet: SioPacket) -> str:
    """An ack with an ``error`` object is a refusal; anything else was taken."""
    value = (
        packet.data["value"]
        if isinstance(packet.data, dict) and "_need" in packet.data
        else packet.data
    )
    if isinstance(value, list) and value and isinstance(value[0], dict) and "error" in value[0]:
        return REFUSED
    return ACCEPTED


def ack_ok(packet: SioPacket) -> bool:
    value = packet.data
    return isinstance(value, list) and bool(value) and value[0] == {"ok": True}


async def sio_exchange(
    conn: SioConn, packets: tuple[bytes | str, ...], acked: bool, timeout: float, grace: float
) -> tuple[str, SioPacket | None]:
    """Send one input and a probe; (verdict, the input's ack if any)."""
    ack: asyncio.Future[SioPacket] | None = None
    ident = None
    if acked:
        ident, ack = conn.expect_ack()
    conn.send(packets, ident)
    probe = conn.probe()
    waiting: list[asyncio.Future[SioPacket]] = [probe] + ([ack] if ack is not None else [])
    # framing garbage has no ack of its own: the probe's answer is the verdict
    limit = timeout if acked else min(timeout, 2 * grace + 1)
    done, _ = await asyncio.wait(waiting, timeout=limit, return_when=asyncio.ALL_COMPLETED)
    if ack is not None and ack not in done and probe in done and not probe.exception():
        # the probe got through: the input's handler had its chance
        done2, _ = await asyncio.wait([ack], timeout=grace)
        done |= done2
    if conn.closed and (ack is None or ack not in done or ack.exception() is not None):
        return CLOSED, None
    if ack is not None:
        if ack not in done:
            conn.acks.pop(ident or 0, None)  # a late ack lands in conn.late
            return SILENT, None
        if ack.exception() is not None:
            return CLOSED, None
        return ack_verdict(ack.result()), ack.result()
    if probe in done and probe.exception() is None:
        return ACCEPTED, None
    return SILENT, None
