"""Benchmark clients for both transports, on top of the raw WebSocket protocol.

``YClient(replica=False)`` is a *light follower*: it runs no CRDT while the
benchmark runs. It answers the handshake, finds edit markers in each update
with a bytes regex (Yjs stores inserted strings as raw UTF-8 inside updates),
and keeps the raw payloads so its replica can be rebuilt afterwards.
``YClient(replica=True)`` keeps a pycrdt ``Doc`` (editors, convergence checks).

y-websocket: y-protocols framing at ``/ws/<doc>?token=``.
Socket.IO: Engine.IO v4 / Socket.IO v5 over a WebSocket, namespace ``/yjs|<doc>``;
a binary event is a text packet ``451-/yjs|doc,[id]["event",{"_placeholder":..}]``
followed by one binary frame (the attachment).
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from typing import Any
from urllib.parse import quote

import pycrdt

from bench import wsclient
from crdt import protocol

MARKER = re.compile(rb"<e\d+s\d+>")
TEXT_ROOT = "bench"
EMPTY_UPDATE = b"\x00\x00"
EMPTY_STATE_VECTOR = b"\x00"
_PLACEHOLDER = '{"_placeholder":true,"num":0}'

# What the next Socket.IO binary frame is
_NONE, _UPDATE, _SERVER_STEP1, _STEP2, _IGNORE = range(5)


class YClient:
    def __init__(
        self, transport: str, document: str, token: str, *, replica: bool, host: str, port: int
    ) -> None:
        if transport not in ("ws", "sio"):
            raise ValueError(f"unknown transport {transport!r}")
        self.transport = transport
        self.document = document
        self.token = token
        self.host = host
        self.port = port
        self.doc: pycrdt.Doc[Any] | None = pycrdt.Doc() if replica else None
        self.state: bytes | None = None  # the sync step 2 payload (full state at join)
        self.frames: list[bytes] = []  # light: raw update frames/payloads, in order
        self.marks: list[tuple[bytes, float]] = []  # (marker, receive time)
        self.errors: list[str] = []
        self.events: dict[str, int] = {}  # Socket.IO JSON events other than errors, by name
        self.updates_received = 0
        loop = asyncio.get_running_loop()
        self.synced: asyncio.Future[float] = loop.create_future()
        self.ws: wsclient.WebSocketProtocol | None = None
        self._ns = f"/yjs|{document}"
        self._ns_b = self._ns.encode()
        self._pending = _NONE
        self._server_ack_id = b""
        self._next_ack = 1
        self._acks: dict[int, asyncio.Future[float]] = {}

    # -- connection ----------------------------------------------------------------

    async def connect(self, timeout: float = 30.0) -> float:
        """Connect and sync; return the time the full state arrived."""
        if self.transport == "ws":
            path = f"/ws/{self.document}?token={quote(self.token)}"
            self.ws = await wsclient.connect(
                self.host, self.port, path, self._on_ws, timeout, self._bind
            )
            self.ws.send_binary(protocol.sync_step1(self._state_vector()))
        else:
            path = "/socket.io/?EIO=4&transport=websocket"
            self.ws = await wsclient.connect(
                self.host, self.port, path, self._on_sio, timeout, self._bind
            )
            # The namespace CONNECT may go out before the Engine.IO OPEN arrives.
            auth = json.dumps({"token": self.token}, separators=(",", ":"))
            self.ws.send_text(f"40{self._ns},{auth}")
        return await asyncio.wait_for(asyncio.shield(self.synced), timeout)

    def _bind(self, ws: wsclient.WebSocketProtocol) -> None:
        self.ws = ws

    def close(self) -> None:
        if self.ws is not None:
            self.ws.close()

    def _state_vector(self) -> bytes:
        return self.doc.get_state() if self.doc is not None else EMPTY_STATE_VECTOR

    def _fail(self, why: str) -> None:
        self.errors.append(why)
        if not self.synced.done():
            self.synced.set_exception(ConnectionError(why))

    # -- receiving -----------------------------------------------------------------

    def _got_state(self, payload: bytes, now: float) -> None:
        self.state = payload
        if self.doc is not None:
            self.doc.apply_update(payload)
        if not self.synced.done():
            self.synced.set_result(now)

    def _got_update(self, payload: bytes, raw: bytes, now: float) -> None:
        self.updates_received += 1
        for marker in MARKER.findall(raw):
            self.marks.append((marker, now))
        if self.doc is not None:
            self.doc.apply_update(payload)
        else:
            self.frames.append(raw)

    def _on_ws(self, opcode: int, data: bytes, now: float) -> None:
        if opcode != wsclient.OP_BINARY or len(data) < 2 or data[0] != protocol.MessageType.SYNC:
            return  # awareness, auth
        sync_type = data[1]
        if sync_type == protocol.SyncType.UPDATE:
            if self.doc is None:
                self._got_update(b"", data, now)  # decoded later, off the clock
            else:
                self._got_update(protocol.decode(data).payload, data, now)
        elif sync_type == protocol.SyncType.STEP2:
            self._got_state(protocol.decode(data).payload, now)
        elif sync_type == protocol.SyncType.STEP1:
            sv = protocol.decode(data).payload
            missing = self.doc.get_update(sv) if self.doc is not None else EMPTY_UPDATE
            assert self.ws is not None
            self.ws.send_binary(protocol.sync_step2(missing))

    def _on_sio(self, opcode: int, data: bytes, now: float) -> None:
        assert self.ws is not None
        if opcode == wsclient.OP_BINARY:
            pending, self._pending = self._pending, _NONE
            if pending == _UPDATE:
                self._got_update(data, data, now)
            elif pending == _STEP2:
                self._got_state(data, now)
            elif pending == _SERVER_STEP1:
                missing = self.doc.get_update(data) if self.doc is not None else EMPTY_UPDATE
                ack = self._server_ack_id.decode()
                self.ws.send_text(f"461-{self._ns},{ack}[{_PLACEHOLDER}]")
                self.ws.send_binary(missing)
            return
        if data == b"2":  # Engine.IO ping
            self.ws.send_text("3")
        elif data.startswith(b"451-"):
            self._pending = self._binary_event(data)
        elif data.startswith(b"461-"):
            self._pending = _STEP2
        elif data.startswith(b"43"):
            self._ack(data, now)
        elif data.startswith(b"40" + self._ns_b):
            self._emit_binary("sync-step-1", self._state_vector(), ack=True)
        elif data.startswith(b"44") or data.startswith(b"41"):
            self._fail(f"socket.io refused: {data[:300]!r}")
        elif data.startswith(b"42"):
            self._text_event(data, now)

    def _text_event(self, data: bytes, now: float) -> None:
        """A JSON event on the document namespace: an ``error`` is one, the rest (the
        governed state, comments, paragraph changes) are only counted by name."""
        body = data[2 + len(self._ns_b) + 1 :]
        parts = body.split(b'"', 2)
        name = parts[1].decode(errors="replace") if len(parts) > 2 else ""
        if name == "error":
            self.errors.append(data[:300].decode(errors="replace"))
        else:
            self.events[name] = self.events.get(name, 0) + 1

    def _binary_event(self, data: bytes) -> int:
        if b'["sync-update"' in data:
            return _UPDATE
        if b'["sync-step-1"' in data:
            rest = data[len(b"451-") + len(self._ns_b) + 1 :]
            self._server_ack_id = rest[: rest.index(b"[")]
            return _SERVER_STEP1
        return _IGNORE  # awareness-update and anything else with one attachment

    def _ack(self, data: bytes, now: float) -> None:
        rest = data[2 + len(self._ns_b) + 1 :]
        digits = re.match(rb"\d+", rest)
        if digits is None:
            return
        future = self._acks.pop(int(digits.group()), None)
        if future is not None and not future.done():
            if b'"ok":true' in rest:
                future.set_result(now)
            else:
                future.set_exception(RuntimeError(rest[:300].decode(errors="replace")))

    # -- sending -------------------------------------------------------------------

    def _emit_binary(self, event: str, payload: bytes, *, ack: bool) -> int:
        assert self.ws is not None
        ident = ""
        if ack:
            ident = str(self._next_ack)
            self._next_ack += 1
        self.ws.send_text(f"451-{self._ns},{ident}[{json.dumps(event)},{_PLACEHOLDER}]")
        self.ws.send_binary(payload)
        return int(ident) if ident else 0

    def send_update(self, update: bytes) -> float:
        """Send an update; return the send time (monotonic)."""
        assert self.ws is not None
        now = time.monotonic()
        if self.transport == "ws":
            self.ws.send_binary(protocol.sync_update(update))
        else:
            self._emit_binary("sync-update", update, ack=False)
        return now

    def send_update_acked(self, update: bytes) -> asyncio.Future[float]:
        """Socket.IO only: a future resolved when the server says the update is durable."""
        if self.transport != "sio":
            raise ValueError("only Socket.IO acknowledges updates")
        ident = self._emit_binary("sync-update", update, ack=True)
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._acks[ident] = future
        return future

    def insert(self, text: str, index: int | None = None) -> bytes:
        """Replica only: insert ``text`` into the shared Y.Text; return the update."""
        assert self.doc is not None
        ytext = self.doc.get(TEXT_ROOT, type=pycrdt.Text)
        before = self.doc.get_state()
        ytext.insert(len(ytext) if index is None else index, text)
        return self.doc.get_update(before)

    # -- after the run -------------------------------------------------------------

    def update_payloads(self) -> list[bytes]:
        """Light follower: the raw Yjs updates it received, in order."""
        if self.transport == "sio":
            return list(self.frames)
        return [protocol.decode(frame).payload for frame in self.frames]

    def rebuild(self) -> pycrdt.Doc[Any]:
        """The replica this client holds: its own doc, or one built from what it received."""
        if self.doc is not None:
            return self.doc
        doc: pycrdt.Doc[Any] = pycrdt.Doc()
        if self.state is not None:
            doc.apply_update(self.state)
        for payload in self.update_payloads():
            doc.apply_update(payload)
        return doc


def text_of(doc: pycrdt.Doc[Any]) -> str:
    return str(doc.get(TEXT_ROOT, type=pycrdt.Text))
