"""``SessionClient``: follow (or caption) one meeting session over Socket.IO.

Connects to namespace ``/session|<id>`` (a token is optional: sessions of groups
with public follow admit anonymous followers) and returns once the server has sent
``session-state`` then ``transcript-history``; live ``transcript-segment``,
``transcript-correction``, ``stream-links`` and ``session-status`` events follow.
Every event is recorded in arrival order as a ``SessionEvent``, with awaitable waits
on that record (no sleeps). It also syncs the session's draft the way a y-socket.io
client does (``sync-step-1`` through the ack, ``sync-update``): read-only for
followers. A captioner's token can ``append`` and ``correct`` segments.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from types import TracebackType
from typing import Any, NamedTuple

import pycrdt
import socketio

from crdt import updates

SESSION_EVENTS = (
    "session-state",
    "transcript-history",
    "transcript-segment",
    "transcript-correction",
    "stream-links",
    "session-status",
    "error",
)


class SessionEvent(NamedTuple):
    """One event as received: its name and its payload."""

    name: str
    data: Any


class FollowRefused(Exception):
    """The server refused the ``/session|<id>`` connection."""

    def __init__(self, message: str, error: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.error = error or {}

    @property
    def code(self) -> str | None:
        code = self.error.get("code")
        return code if isinstance(code, str) else None


class SessionClient:
    """Follows one session; see the module docstring."""

    def __init__(
        self,
        url: str,
        session_id: int | str,
        token: str | None = None,
        *,
        transports: tuple[str, ...] = ("websocket",),
    ) -> None:
        self.url = url.rstrip("/")
        self.session_id = session_id
        self.namespace = f"/session|{session_id}"
        self.token = token
        self.events: list[SessionEvent] = []
        self.doc = updates.new_doc()
        self.draft_synced = asyncio.Event()
        self._transports = list(transports)
        self._changed = asyncio.Event()
        self._connect_error: Any = None
        self.sio = socketio.AsyncClient(reconnection=False)
        ns = self.namespace
        self.sio.on("connect", self._on_connect, namespace=ns)
        self.sio.on("connect_error", self._on_connect_error, namespace=ns)
        self.sio.on("sync-step-1", self._on_sync_step1, namespace=ns)
        self.sio.on("sync-update", self._on_sync_update, namespace=ns)
        for name in SESSION_EVENTS:
            self.sio.on(name, self._recorder(name), namespace=ns)

    # -- connection ----------------------------------------------------------------

    async def __aenter__(self) -> SessionClient:
        await self.connect()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def connect(self, timeout: float = 15.0) -> None:
        """Connect and return once the transcript history has arrived (the client is live)."""
        auth = {"token": self.token} if self.token is not None else None
        try:
            await self.sio.connect(
                self.url,
                namespaces=[self.namespace],
                auth=auth,
                transports=self._transports,
                wait_timeout=timeout,
            )
        except socketio.exceptions.ConnectionError as exc:
            error = self._connect_error if isinstance(self._connect_error, dict) else None
            raise FollowRefused(f"refused: {self._connect_error or exc}", error) from exc
        await self.wait_event("transcript-history", timeout=timeout)

    async def close(self) -> None:
        if self.sio.connected:
            await self.sio.disconnect()

    # -- what arrived ----------------------------------------------------------------

    def of(self, event: str) -> list[Any]:
        return [data for name, data in self.events if name == event]

    def names(self) -> list[str]:
        return [name for name, _ in self.events]

    @property
    def state(self) -> dict[str, Any]:
        states = self.of("session-state")
        assert states, "no session-state received"
        state: dict[str, Any] = states[0]
        return state

    @property
    def history(self) -> list[dict[str, Any]]:
        histories = self.of("transcript-history")
        assert histories, "no transcript-history received"
        segments: list[dict[str, Any]] = histories[0]["segments"]
        return segments

    @property
    def live_segments(self) -> list[dict[str, Any]]:
        return list(self.of("transcript-segment"))

    @property
    def segments(self) -> list[dict[str, Any]]:
        """History then live segments, exactly as received."""
        return [*self.history, *self.live_segments]

    def segment_ids(self) -> list[int]:
        return [int(s["id"]) for s in self.segments]

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 15.0) -> None:
        """Wait until ``predicate()`` holds, re-checked after each event received."""

        async def wait() -> None:
            while not predicate():
                self._changed.clear()
                await self._changed.wait()

        await asyncio.wait_for(wait(), timeout)

    async def wait_event(self, event: str, count: int = 1, timeout: float = 15.0) -> list[Any]:
        await self.wait_for(lambda: len(self.of(event)) >= count, timeout)
        return self.of(event)

    async def wait_segments(self, count: int, timeout: float = 30.0) -> list[dict[str, Any]]:
        """Wait until history + live segments number at least ``count``."""
        await self.wait_for(lambda: len(self.segments) >= count, timeout)
        return self.segments

    async def wait_draft(self, predicate: Callable[[pycrdt.Doc[Any]], bool]) -> None:
        await self.wait_for(lambda: predicate(self.doc))

    # -- captioning and raw events ---------------------------------------------------

    async def call(self, event: str, payload: Any, timeout: float = 15.0) -> Any:
        """Emit ``event`` and return the server's ack."""
        return await self.sio.call(event, payload, namespace=self.namespace, timeout=timeout)

    async def append(self, segments: list[dict[str, Any]]) -> Any:
        return await self.call("transcript-append", {"segments": segments})

    async def correct(self, segment_id: int, text: str, speaker: str | None = None) -> Any:
        payload: dict[str, Any] = {"id": segment_id, "text": text}
        if speaker is not None:
            payload["speaker"] = speaker
        return await self.call("transcript-correct", payload)

    # -- handlers ----------------------------------------------------------------------

    def _recorder(self, name: str) -> Callable[..., None]:
        def record(data: Any = None) -> None:
            self.events.append(SessionEvent(name, data))
            self._changed.set()

        return record

    async def _on_connect(self) -> None:
        missing = await self.sio.call(
            "sync-step-1", self.doc.get_state(), namespace=self.namespace, timeout=30
        )
        if isinstance(missing, bytes):
            self.doc.apply_update(missing)
        self.draft_synced.set()
        self._changed.set()

    def _on_connect_error(self, data: Any) -> None:
        self._connect_error = data.get("data", data) if isinstance(data, dict) else data

    def _on_sync_step1(self, state_vector: bytes) -> bytes:
        return self.doc.get_update(state_vector)

    def _on_sync_update(self, update: bytes) -> None:
        self.doc.apply_update(update)
        self._changed.set()
