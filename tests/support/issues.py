"""What the issue-table and correspondence tests share: a real Socket.IO client of a
working group's live topic (``/group|<gid>``), and helpers over the HTTP API."""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Any

import socketio

from tests.support.groups import Api, Group
from tests.support.live import EventRecorder

GROUP_EVENTS = ("group-state", "issue-item", "mapping-area", "correspondence-changed")


class GroupRefused(Exception):
    def __init__(self, message: str, error: dict[str, Any] | None) -> None:
        super().__init__(message)
        self.error = error or {}


class GroupClient(EventRecorder):
    """Follows a working group's live topic; records every event in arrival order."""

    def __init__(self, url: str, group_id: int, token: str | None) -> None:
        self.url = url
        self.namespace = f"/group|{group_id}"
        self.token = token
        self.sio = socketio.AsyncClient(reconnection=False)
        self._connect_error: Any = None
        self.sio.on("connect_error", self._on_connect_error, namespace=self.namespace)
        super().__init__(self.sio, self.namespace, GROUP_EVENTS)

    async def _on_connect_error(self, data: Any) -> None:
        self._connect_error = data

    async def __aenter__(self) -> GroupClient:
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
        """Connect and return once the group's state has arrived."""
        auth = {"token": self.token} if self.token is not None else None
        try:
            await self.sio.connect(
                self.url,
                namespaces=[self.namespace],
                auth=auth,
                transports=["websocket"],
                wait_timeout=timeout,
            )
        except socketio.exceptions.ConnectionError as exc:
            error = self._connect_error if isinstance(self._connect_error, dict) else None
            if error is not None and isinstance(error.get("data"), dict):
                error = error["data"]  # {message, data: {code, message}}
            raise GroupRefused(f"refused: {self._connect_error or exc}", error) from exc
        await self.wait_until(lambda c: bool(c.of("group-state")), timeout)

    async def close(self) -> None:
        if self.sio.connected:
            await self.sio.disconnect()

    def seqs(self) -> list[int]:
        """The seq of every live event received (not the states)."""
        return [int(d["seq"]) for name, d in self.events if name != "group-state"]

    async def wait_seq(self, seq: int, timeout: float = 10.0) -> None:
        await self.wait_until(lambda c: seq in c.seqs(), timeout)

    async def call(self, event: str, data: Any = None) -> Any:
        return await self.sio.call(event, data, namespace=self.namespace, timeout=10)


def issues_path(group: Group, suffix: str = "") -> str:
    return f"/api/groups/{group.id}/issues{suffix}"


async def add_items(api: Api, group: Group, *issues: str, role: str = "member") -> list[int]:
    numbers = []
    for issue in issues:
        made = await api.ok("POST", issues_path(group), group.token(role), {"issue": issue})
        numbers.append(int(made["number"]))
    return numbers


async def table(api: Api, group: Group, **query: str) -> dict[str, Any]:
    q = "&".join(f"{k}={v}" for k, v in query.items())
    got: dict[str, Any] = await api.ok(
        "GET", issues_path(group, "?" + q if q else ""), group.token("chair")
    )
    return got


async def next_event(client: GroupClient, count: int, timeout: float = 10.0) -> None:
    await asyncio.wait_for(client.wait_until(lambda c: len(c.seqs()) >= count), timeout)
