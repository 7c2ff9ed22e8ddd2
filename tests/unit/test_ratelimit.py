"""Token buckets, client addresses behind proxies, and rate-limited library log lines."""

from __future__ import annotations

import logging

import pytest

from server.errors import RateLimited
from server.logs import ClientErrorFilter
from server.ratelimit import ClientAddress, RateLimiter, address_key


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_bucket_refills_and_forgets_the_least_recently_used_key() -> None:
    clock = Clock()
    limiter = RateLimiter(per_minute=6, burst=2, what="tries", clock=clock, max_keys=2)
    limiter.take("a")
    limiter.take("a")
    with pytest.raises(RateLimited) as refused:
        limiter.take("a")
    assert refused.value.details["retry_after"] == 10.0
    assert "too many tries" in refused.value.message
    clock.now += 10
    limiter.take("a")
    limiter.take("b")
    limiter.take("c")  # a third key: "a" (least recently used) is forgotten, i.e. full
    limiter.take("a")
    limiter.take("a")
    assert RateLimiter(per_minute=0, burst=0).allows("anyone"), "0 switches a limit off"


def test_client_address_trusts_only_configured_proxies() -> None:
    assert ClientAddress().of("10.0.0.1", "198.51.100.7") == "10.0.0.1"
    proxied = ClientAddress(["10.0.0.0/8"])
    assert proxied.of("10.0.0.1", "198.51.100.7") == "198.51.100.7"
    # The client may prepend anything; the nearest untrusted hop is what a proxy saw.
    assert proxied.of("10.0.0.1", "1.2.3.4, 198.51.100.7, 10.0.0.2") == "198.51.100.7"
    assert proxied.of("192.0.2.1", "198.51.100.7") == "192.0.2.1", "not from a proxy"
    assert proxied.of("10.0.0.1", None) == "10.0.0.1"


def test_ipv6_clients_are_keyed_by_their_64() -> None:
    assert address_key("2001:db8:1:2::1") == address_key("2001:db8:1:2:ffff::9")
    assert address_key("2001:db8:1:2::1") != address_key("2001:db8:1:3::1")
    assert address_key("::ffff:192.0.2.1") == "192.0.2.1"
    assert address_key(None) == "unknown"


def test_repeated_log_lines_are_dropped_and_counted() -> None:
    clock = Clock()
    flt = ClientErrorFilter(RateLimiter(60, 2, clock=clock))

    def record(n: int) -> logging.LogRecord:
        return logging.LogRecord("lib", logging.ERROR, __file__, 1, "bad frame %s", (n,), None)

    passed = [flt.filter(r) for r in (record(1), record(2), record(3), record(4))]
    assert passed == [True, True, False, False]
    clock.now += 1
    later = record(5)
    assert flt.filter(later)
    assert later.getMessage() == "bad frame 5 (2 similar lines dropped)"
