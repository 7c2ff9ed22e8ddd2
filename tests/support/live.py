"""A recorder of the live events one Socket.IO connection gets, for the tests: every
event of the names given, in arrival order, and a wait for a condition on them (no
sleeps: it wakes at each arrival)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import Any, Self


class EventRecorder:
    """Records the events ``names`` that ``sio`` gets on ``namespace``."""

    def __init__(self, sio: Any, namespace: str, names: Iterable[str]) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []
        self._arrived = asyncio.Event()
        for event in names:
            sio.on(event, self._recorder(event), namespace=namespace)

    def _recorder(self, event: str) -> Any:
        def record(data: dict[str, Any]) -> None:
            self.events.append((event, data))
            self._arrived.set()

        return record

    def of(self, event: str) -> list[dict[str, Any]]:
        """The data of every ``event`` received, in arrival order."""
        return [data for name, data in self.events if name == event]

    async def wait_until(self, predicate: Callable[[Self], bool], timeout: float = 10.0) -> None:
        """Return once ``predicate`` holds of the events received (TimeoutError if not)."""

        async def wait() -> None:
            while not predicate(self):
                self._arrived.clear()
                await self._arrived.wait()

        await asyncio.wait_for(wait(), timeout)
