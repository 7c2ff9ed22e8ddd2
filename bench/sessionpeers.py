"""Light clients of a session's follow view, Socket.IO namespace ``/session|<id>``.

Engine.IO v4 / Socket.IO v5 spoken by hand over the raw WebSocket client
(``bench/wsclient.py``), as ``bench/peers.py`` does for documents. On connect
the server sends the draft's ``sync-step-1`` (binary, with an ack id: answered
with an empty update), maybe ``awareness-update``, then the text events
``session-state`` and ``transcript-history``; live segments follow as
``42/session|<id>,["transcript-segment",{...}]``, and the rolling text's governed
changes as ``42/session|<id>,["paragraph-changed",{...}]``, admitted amendments'
changes as ``["amendment-updated",{...}]``.

A ``SessionFollower`` keeps each live segment frame and each ``paragraph-changed``
frame as raw bytes with the time it was read (``time.monotonic()``, system-wide)
and decodes them after the run: no JSON on the clock. A ``Captioner`` also sends
``transcript-append`` with an ack id and resolves a future when the server's ack
arrives.
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

from bench import wsclient

EMPTY_UPDATE = b"\x00\x00"
_PLACEHOLDER = '{"_placeholder":true,"num":0}'
_ACK_ID = re.compile(rb"\d+")


# The ack id of a follower's own sync-step-1 (far from a captioner's append ids).
_DRAFT_ACK = 999999


class SessionFollower:
    """``draft=True``: also ask for the draft's full state (our own ``sync-step-1``) and
    keep each ``sync-update`` attachment raw with its read time, so the draft can be
    replayed after the run (e.g. when a status became visible in the follower's copy)."""

    def __init__(
        self,
        session_id: int,
        host: str,
        port: int,
        token: str | None = None,
        *,
        draft: bool = False,
    ) -> None:
        self.session_id = session_id
        self.host = host
        self.port = port
        self.token = token
        self.ns = f"/session|{session_id}"
        ns = self.ns.encode()
        self._event = b"42" + ns + b","  # an event packet without an ack id
        self._segment = self._event + b'["transcript-segment",'
        self._changed = self._event + b'["paragraph-changed",'
        self._amended = self._event + b'["amendment-updated",'
        self._history = self._event + b'["transcript-history",'
        self._state = self._event + b'["session-state",'
        self._connected = b"40" + ns
        self._binary_ack = b"451-" + ns + b","
        self._ack = b"43" + ns + b","
        self._draft_answer = b"461-" + ns + b"," + str(_DRAFT_ACK).encode()
        self.ws: wsclient.WebSocketProtocol | None = None
        loop = asyncio.get_running_loop()
        self.ready: asyncio.Future[float] = loop.create_future()  # history received
        self.history: list[dict[str, Any]] = []
        self.history_upto = 0
        self.session: dict[str, Any] = {}
        self.live: list[tuple[bytes, float]] = []  # raw transcript-segment frames, read time
        self.changes: list[tuple[bytes, float]] = []  # raw paragraph-changed frames, read time
        self.amendments: list[tuple[bytes, float]] = []  # raw amendment-updated frames
        self.other_events: dict[str, int] = {}
        self.errors: list[str] = []
        self.pongs = 0
        self._answer_id: bytes | None = None  # the server's sync-step-1 awaiting our binary
        self.draft = draft
        self.draft_state: bytes | None = None  # the answer to our sync-step-1
        self.draft_updates: list[tuple[bytes, float]] = []  # sync-update attachments, read time
        self._next_binary = ""  # what the next binary frame is: "update", "state" or ""

    # -- connection ----------------------------------------------------------------

    async def connect(self, timeout: float = 30.0) -> float:
        """Connect and wait for the transcript history; return when it arrived."""
        path = "/socket.io/?EIO=4&transport=websocket"
        self.ws = await wsclient.connect(
            self.host, self.port, path, self._on_frame, timeout, self._bind
        )
        # The namespace CONNECT may go out before the Engine.IO OPEN arrives.
        auth = "" if self.token is None else json.dumps({"token": self.token})
        self.ws.send_text(f"40{self.ns},{auth}")
        return await asyncio.wait_for(asyncio.shield(self.ready), timeout)

    def _bind(self, ws: wsclient.WebSocketProtocol) -> None:
        self.ws = ws
        ws.closed.add_done_callback(self._closed)

    def _closed(self, _: asyncio.Future[int]) -> None:
        self._fail("connection closed by the server")

    def close(self) -> None:
        if self.ws is not None:
            self.ws.closed.remove_done_callback(self._closed)
            self.ws.close()

    def _fail(self, why: str) -> None:
        self.errors.append(why)
        if not self.ready.done():
            self.ready.set_exception(ConnectionError(why))

    # -- receiving -----------------------------------------------------------------

    def _on_frame(self, opcode: int, data: bytes, now: float) -> None:
        if opcode == wsclient.OP_BINARY:
            kind, self._next_binary = self._next_binary, ""
            if kind == "update":
                self.draft_updates.append((data, now))
            elif kind == "state":
                self.draft_state = data
            # The draft's sync-step-1 state vector: answer with an empty update
            # (a read-only connection: the server ignores it).
            elif self._answer_id is not None and self.ws is not None:
                ack, self._answer_id = self._answer_id.decode(), None
                self.ws.send_text(f"461-{self.ns},{ack}[{_PLACEHOLDER}]")
                self.ws.send_binary(EMPTY_UPDATE)
            return
        if data.startswith(self._segment):
            self.live.append((data, now))  # decoded after the run
        elif data.startswith(self._changed):
            self.changes.append((data, now))  # decoded after the run
        elif data.startswith(self._amended):
            self.amendments.append((data, now))  # decoded after the run
        elif data == b"2":  # Engine.IO ping
            assert self.ws is not None
            self.ws.send_text("3")
            self.pongs += 1
        elif data.startswith(self._history):
            body = json.loads(data[len(self._event) :])[1]
            self.history = list(body["segments"])
            self.history_upto = int(body["upto"])
            if not self.ready.done():
                self.ready.set_result(now)
        elif data.startswith(self._state):
            self.session = json.loads(data[len(self._event) :])[1]["session"]
        elif data.startswith(self._binary_ack):
            rest = data[len(self._binary_ack) :]
            digits = _ACK_ID.match(rest)
            self._answer_id = digits.group() if digits and b'["sync-step-1"' in rest else None
            parts = rest.split(b'"', 2)
            name = parts[1].decode(errors="replace") if len(parts) > 2 else ""
            self.other_events[name] = self.other_events.get(name, 0) + 1  # e.g. sync-update
            if self.draft and name == "sync-update":
                self._next_binary = "update"
        elif data.startswith(self._draft_answer):
            self._next_binary = "state"
        elif data.startswith(self._connected) and self.draft and self.ws is not None:
            self.ws.send_text(f'451-{self.ns},{_DRAFT_ACK}["sync-step-1",{_PLACEHOLDER}]')
            self.ws.send_binary(b"\x00")  # an empty state vector: everything, please
        elif data.startswith(self._ack):
            self._on_ack(data[len(self._ack) :], now)
        elif data.startswith(self._event):
            name = data[len(self._event) :].split(b'"', 2)[1].decode(errors="replace")
            self.other_events[name] = self.other_events.get(name, 0) + 1
        elif data.startswith(b"44") or data.startswith(b"41"):
            self._fail(f"socket.io refused or disconnected: {data[:300]!r}")
        # "0{...}" (Engine.IO open), "40/session|id,{sid}" (connected): nothing to do

    def _on_ack(self, rest: bytes, now: float) -> None:
        pass

    def segments(self) -> list[tuple[dict[str, Any], float]]:
        """The live segments received, decoded, with their receive times, in order."""
        start = len(self._event)
        return [(json.loads(raw[start:])[1], t) for raw, t in self.live]

    def paragraph_changes(self) -> list[tuple[dict[str, Any], float]]:
        """The ``paragraph-changed`` events received, decoded, with their receive times."""
        start = len(self._event)
        return [(json.loads(raw[start:])[1], t) for raw, t in self.changes]

    def amendment_updates(self) -> list[tuple[dict[str, Any], float]]:
        """The ``amendment-updated`` events received, decoded, with their receive times."""
        start = len(self._event)
        return [(json.loads(raw[start:])[1], t) for raw, t in self.amendments]


class Captioner(SessionFollower):
    """A follower that also appends segments (``transcript-append`` with an ack)."""

    def __init__(self, session_id: int, host: str, port: int, token: str) -> None:
        super().__init__(session_id, host, port, token)
        self._next_ack = 1
        self._acks: dict[int, asyncio.Future[tuple[float, dict[str, Any]]]] = {}

    def append(
        self, segments: list[dict[str, Any]]
    ) -> asyncio.Future[tuple[float, dict[str, Any]]]:
        """Send ``transcript-append``; the future gives (ack time, the ack's body)."""
        assert self.ws is not None
        ident = self._next_ack
        self._next_ack += 1
        future: asyncio.Future[tuple[float, dict[str, Any]]] = (
            asyncio.get_running_loop().create_future()
        )
        self._acks[ident] = future
        body = json.dumps(["transcript-append", {"segments": segments}], separators=(",", ":"))
        self.ws.send_text(f"42{self.ns},{ident}{body}")
        return future

    def _on_ack(self, rest: bytes, now: float) -> None:
        digits = _ACK_ID.match(rest)
        if digits is None:
            return
        future = self._acks.pop(int(digits.group()), None)
        if future is None or future.done():
            return
        answer = json.loads(rest[digits.end() :])
        body = answer[0] if answer else {}
        if isinstance(body, dict) and body.get("ok"):
            future.set_result((now, body))
        else:
            future.set_exception(RuntimeError(f"transcript-append refused: {body!r}"))

    def fail_pending(self, why: str) -> None:
        for future in self._acks.values():
            if not future.done():
                future.set_exception(TimeoutError(why))
