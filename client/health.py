"""``wait_until_healthy``: await a rollingtext server's readiness.

For whoever starts ``rollingtext serve`` in another process (the tests' crash and
cross-language servers, the benchmarks): such a process sends no event when it is
ready, so its ``GET /healthz`` is polled until it answers 200.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import aiohttp


class ServerNotReady(RuntimeError):
    """The server exited, or never answered ``/healthz`` with 200 within the guard."""


def _never() -> bool:
    return False


def _nothing() -> str:
    return ""


async def wait_until_healthy(
    url: str,
    *,
    exited: Callable[[], bool] = _never,
    details: Callable[[], str] = _nothing,
    timeout: float = 30.0,
    interval: float = 0.05,
) -> None:
    """Return once ``GET {url}/healthz`` answers 200.

    ``exited()`` tells whether the server's process has ended (then waiting is
    pointless); ``details()`` adds e.g. the tail of its log to the error.
    ``timeout`` only guards against a hang, it is no speed requirement.
    Raises ServerNotReady.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    async with aiohttp.ClientSession() as session:
        while True:
            if exited():
                raise ServerNotReady(f"server exited:\n{details()}")
            try:
                async with session.get(f"{url.rstrip('/')}/healthz") as resp:
                    if resp.status == 200:
                        return
            except aiohttp.ClientError:
                pass  # not listening yet
            if loop.time() > deadline:
                raise ServerNotReady(f"server not healthy after {timeout} s:\n{details()}")
            await asyncio.sleep(interval)  # no event to await from another process
