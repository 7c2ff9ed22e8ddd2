"""``DocumentClient``: keep a pycrdt ``Doc`` in sync with a rollingtext document.

Speaks the y-socket.io protocol over python-socketio. Local changes are sent as
``sync-update`` with an ack; the server acks only once the change is durable, so
``flush()`` returning means nothing typed so far can be lost. Unacknowledged
changes are re-sent after a reconnect (Yjs updates are idempotent).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from types import TracebackType
from typing import Any

import pycrdt
import socketio

from crdt import updates

# Error codes meaning "this update will never be accepted": not worth re-sending.
REFUSALS = frozenset({"read_only", "malformed_update", "bad_input", "forbidden"})


class SyncError(Exception):
    """The server refused the connection or an update."""

    def __init__(self, message: str, error: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.error = error or {}

    @property
    def code(self) -> str | None:
        code = self.error.get("code")
        return code if isinstance(code, str) else None


class DocumentClient:
    def __init__(
        self,
        url: str,
        document: str,
        token: str,
        *,
        doc: pycrdt.Doc[Any] | None = None,
        reconnection: bool = True,
        transports: tuple[str, ...] = ("websocket",),
        logger: logging.Logger | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self.document = document
        self.namespace = f"/yjs|{document}"
        self.doc = doc if doc is not None else updates.new_doc()
        self.errors: list[dict[str, Any]] = []
        self.awareness_updates: list[bytes] = []
        self.synced = asyncio.Event()
        self._token = token
        self._transports = list(transports)
        self._log = logger or logging.getLogger("rollingtext.client")
        self._applying_remote = False
        self._unacked: dict[int, bytes] = {}
        self._sending: set[asyncio.Future[None]] = set()
        self._next_id = 0
        self._all_acked = asyncio.Event()
        self._all_acked.set()
        self._changed = asyncio.Event()
        self._connect_error: Any = None
        self.sio = socketio.AsyncClient(reconnection=reconnection)
        ns = self.namespace
        self.sio.on("connect", self._on_connect, namespace=ns)
        self.sio.on("connect_error", self._on_connect_error, namespace=ns)
        self.sio.on("disconnect", self._on_disconnect, namespace=ns)
        self.sio.on("sync-step-1", self._on_sync_step1, namespace=ns)
        self.sio.on("sync-update", self._on_remote_update, namespace=ns)
        self.sio.on("awareness-update", self._on_awareness, namespace=ns)
        self.sio.on("error", self._on_error, namespace=ns)
        self._subscription = self.doc.observe(self._on_local_change)

    async def __aenter__(self) -> DocumentClient:
        await self.connect()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def connect(self, timeout: float = 10.0) -> None:
        try:
            await self.sio.connect(
                self.url,
                namespaces=[self.namespace],
                auth={"token": self._token},
                transports=self._transports,
                wait_timeout=timeout,
            )
        except socketio.exceptions.ConnectionError as exc:
            error = self._connect_error if isinstance(self._connect_error, dict) else None
            raise SyncError(f"connection refused: {self._connect_error or exc}", error) from exc
        await asyncio.wait_for(self.synced.wait(), timeout)

    async def close(self) -> None:
        self.doc.unobserve(self._subscription)
        await self.sio.disconnect()

    async def flush(self, timeout: float = 10.0) -> None:
        """Return once every local change so far is acknowledged as durable."""
        await asyncio.wait_for(self._all_acked.wait(), timeout)

    @property
    def unacknowledged(self) -> int:
        return len(self._unacked)

    async def wait_for(
        self, predicate: Callable[[pycrdt.Doc[Any]], bool], timeout: float = 10.0
    ) -> None:
        """Wait until ``predicate(doc)`` holds, re-checked after each remote event."""

        async def wait() -> None:
            while not predicate(self.doc):
                self._changed.clear()
                await self._changed.wait()

        await asyncio.wait_for(wait(), timeout)

    async def send_raw(self, event: str, payload: Any, timeout: float = 10.0) -> Any:
        """Emit any event and return the server's ack (tests and diagnostics)."""
        return await self.sio.call(event, payload, namespace=self.namespace, timeout=timeout)

    # -- handlers ----------------------------------------------------------------

    async def _on_connect(self) -> None:
        missing = await self.sio.call(
            "sync-step-1", self.doc.get_state(), namespace=self.namespace, timeout=30
        )
        if isinstance(missing, bytes):
            self._apply_remote(missing)
        if self._unacked:  # changes made while disconnected, or never acknowledged
            self._send(updates.merge(list(self._unacked.values())), replace=True)
        self.synced.set()

    def _on_connect_error(self, data: Any) -> None:
        self._connect_error = data.get("data", data) if isinstance(data, dict) else data

    def _on_disconnect(self, *args: Any) -> None:
        self.synced.clear()

    def _on_sync_step1(self, state_vector: bytes) -> bytes:
        return self.doc.get_update(state_vector)

    def _on_remote_update(self, update: bytes) -> None:
        self._apply_remote(update)

    def _on_awareness(self, update: bytes) -> None:
        self.awareness_updates.append(update)
        self._changed.set()

    def _on_error(self, error: Any) -> None:
        self.errors.append(error if isinstance(error, dict) else {"message": str(error)})
        self._changed.set()

    def _apply_remote(self, update: bytes) -> None:
        self._applying_remote = True
        try:
            self.doc.apply_update(update)
        finally:
            self._applying_remote = False
        self._changed.set()

    def _on_local_change(self, event: Any) -> None:
        if not self._applying_remote:
            self._send(event.update)

    def _send(self, update: bytes, *, replace: bool = False) -> None:
        if replace:
            self._unacked.clear()
        self._next_id += 1
        ident = self._next_id
        self._unacked[ident] = update
        self._all_acked.clear()
        # The namespace is connected before ``sio.connected`` turns true on a reconnect:
        # what ``_on_connect`` re-sends must go out then, not wait for the next one.
        if self.namespace in self.sio.namespaces:
            task = asyncio.ensure_future(self._emit(ident, update))
            self._sending.add(task)
            task.add_done_callback(self._sending.discard)

    async def _emit(self, ident: int, update: bytes) -> None:
        def acked(result: Any = None) -> None:
            if isinstance(result, dict) and result.get("ok"):
                self._unacked.pop(ident, None)
                if not self._unacked:
                    self._all_acked.set()
            elif isinstance(result, dict) and "error" in result:
                self.errors.append(result["error"])
                if result["error"].get("code") not in REFUSALS:
                    # The server could not store it (e.g. shutting down): keep it, so it
                    # is re-sent on reconnect; flush() must not report it as durable.
                    self._changed.set()
                    return
                # Refused for good (read-only, malformed): recorded in errors, dropped.
                self._unacked.pop(ident, None)
                if not self._unacked:
                    self._all_acked.set()
                self._changed.set()

        try:
            await self.sio.emit("sync-update", update, namespace=self.namespace, callback=acked)
        except socketio.exceptions.BadNamespaceError:
            pass  # disconnected: re-sent on reconnect
