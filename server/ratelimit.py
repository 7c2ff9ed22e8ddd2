"""Token buckets keyed by who is asking (a person, a client address), and who that is.

One ``RateLimiter`` serves every keyed limit in the server: comments and comment
edits per person, observer requests, failed invitation links and new connections per
client address, and repeated log lines; a ``TokenBucket`` is one budget spent at a
variable cost (a connection's presence messages, charged by their size). A bucket
holds ``burst`` tokens and refills at ``per_minute``; a request that finds it empty is refused with
``RateLimited`` carrying ``retry_after`` (seconds), which the HTTP edge turns into
429 and a ``Retry-After`` header.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable, Iterable

from server.errors import RateLimited

# Distinct keys remembered at most; beyond that the least recently used bucket is
# forgotten (a forgotten bucket is a full one, so this only ever errs towards
# letting someone in). Bounds memory against a flood from many addresses.
MAX_KEYS = 50_000


class RateLimiter:
    """A token bucket per key: ``burst`` at once, refilled at ``per_minute``."""

    def __init__(
        self,
        per_minute: float = 10.0,
        burst: int = 10,
        *,
        what: str = "comments",
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = MAX_KEYS,
    ) -> None:
        self.per_minute = per_minute
        self.burst = burst
        self.what = what
        self.clock = clock  # replaceable: tests move time instead of waiting
        self.max_keys = max_keys
        self._buckets: dict[str, tuple[float, float]] = {}

    @property
    def enabled(self) -> bool:
        """A limit of 0 a minute switches the limit off (an operator's choice)."""
        return self.per_minute > 0 and self.burst > 0

    def _tokens(self, key: str, now: float) -> float:
        tokens, last = self._buckets.get(key, (float(self.burst), now))
        return min(float(self.burst), tokens + (now - last) * self.per_minute / 60.0)

    def _refuse(self, tokens: float) -> RateLimited:
        wait = (1.0 - tokens) * 60.0 / self.per_minute
        rate = (
            f"{self.per_minute:g} a minute"
            if self.per_minute >= 1
            else f"{self.per_minute * 60:.3g} an hour"
        )
        return RateLimited(
            f"too many {self.what} (at most {self.burst} at once, then {rate}); "
            f"try again in {wait:.0f}s",
            retry_after=round(wait, 1),
        )

    def check(self, key: str) -> None:
        """Raise ``RateLimited`` if ``key`` has no token left, without taking one."""
        if self.enabled:
            tokens = self._tokens(key, self.clock())
            if tokens < 1.0:
                raise self._refuse(tokens)

    def take(self, key: str) -> None:
        """Spend one of ``key``'s tokens, or raise ``RateLimited`` (nothing spent)."""
        if not self.enabled:
            return
        now = self.clock()
        tokens = self._tokens(key, now)
        if tokens < 1.0:
            raise self._refuse(tokens)
        self._buckets.pop(key, None)  # re-inserted last: the dict is in LRU order
        self._buckets[key] = (tokens - 1.0, now)
        if len(self._buckets) > self.max_keys:
            del self._buckets[next(iter(self._buckets))]

    def allows(self, key: str) -> bool:
        """``take`` as a boolean, for callers that drop rather than refuse."""
        try:
            self.take(key)
        except RateLimited:
            return False
        return True


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


def address_key(address: str | None) -> str:
    """The key of a client address: IPv6 clients by their /64 (one host usually has
    a whole /64 to pick addresses from), IPv4 by the address."""
    if not address:
        return "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


class ClientAddress:
    """Who is at the other end of a request: the peer address, unless the peer is
    a trusted reverse proxy, in which case the nearest untrusted address it reports
    in ``X-Forwarded-For``. Nobody is trusted by default: a client could put
    anything in that header."""

    def __init__(self, trusted_proxies: Iterable[str] = ()) -> None:
        self._trusted = [ipaddress.ip_network(p, strict=False) for p in trusted_proxies]

    def _is_trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address.strip())
        except ValueError:
            return False
        return any(ip in network for network in self._trusted)

    def of(self, peer: str | None, forwarded_for: str | None) -> str | None:
        """The client address for a request from ``peer`` carrying ``forwarded_for``."""
        if peer is None or not self._trusted or not self._is_trusted(peer):
            return peer
        # Walk from the right: each trusted proxy appended the address it saw.
        hops = [h.strip() for h in (forwarded_for or "").split(",") if h.strip()]
        for hop in reversed(hops):
            if not self._is_trusted(hop):
                return hop
        return hops[0] if hops else peer
