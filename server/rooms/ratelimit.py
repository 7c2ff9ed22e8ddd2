"""A token bucket: ``burst`` tokens at once, refilled at ``rate`` per second."""

from __future__ import annotations

import time
from collections.abc import Callable

from server.errors import RateLimited


class TokenBucket:
    """One budget (e.g. one connection's awareness messages); raises ``RateLimited``."""

    __slots__ = ("_last", "_tokens", "burst", "clock", "rate")

    def __init__(
        self, rate: float, burst: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = rate
        self.burst = burst
        self.clock = clock  # replaceable: tests move time instead of waiting
        self._tokens = float(burst)
        self._last = clock()

    def take(self, cost: float, what: str) -> None:
        """Spend ``cost`` tokens, or refuse (spending nothing) when there are too few."""
        now = self.clock()
        self._tokens = min(float(self.burst), self._tokens + (now - self._last) * self.rate)
        self._last = now
        if self._tokens < cost:
            wait = (cost - self._tokens) / self.rate if self.rate > 0 else 3600.0
            raise RateLimited(
                f"too many {what}; try again in {wait:.1f}s", retry_after=round(wait, 1)
            )
        self._tokens -= cost
