"""Order keys: a paragraph's position is data, a string that sorts between its neighbours.

Keys are base-62 fractions (digits ``0-9A-Za-z``, compared as plain strings, which is
the same order in Python and JavaScript). A key never ends in ``0``, so there is
always room between two keys: a move writes one new key and touches nothing else,
and two replicas can never disagree about which paragraph is where. Equal keys
(two paragraphs placed in the same gap concurrently) are ordered by paragraph id.
"""

from __future__ import annotations

DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
BASE = len(DIGITS)
_VALUE = {d: i for i, d in enumerate(DIGITS)}


class OrderKeyError(ValueError):
    """Not a valid order key, or the bounds are not in order."""


def valid(key: str) -> bool:
    return bool(key) and key[-1] != "0" and all(c in _VALUE for c in key)


def _midpoint(a: str, b: str | None) -> str:
    """A key strictly between ``a`` ("" is zero) and ``b`` (None is one)."""
    if b is not None:
        n = 0
        while n < len(b) and (a[n] if n < len(a) else "0") == b[n]:
            n += 1
        if n > 0:
            return b[:n] + _midpoint(a[n:], b[n:])
    low = _VALUE[a[0]] if a else 0
    high = _VALUE[b[0]] if b is not None else BASE
    if high - low > 1:
        return DIGITS[(low + high) // 2]
    if b is not None and len(b) > 1:
        return b[:1]
    return DIGITS[low] + _midpoint(a[1:], None)


def between(before: str | None, after: str | None) -> str:
    """A key after ``before`` and before ``after`` (None: the start / the end)."""
    for key in (before, after):
        if key is not None and not valid(key):
            raise OrderKeyError(f"invalid order key {key!r}")
    if before is not None and after is not None and before >= after:
        raise OrderKeyError(f"order keys out of order: {before!r} >= {after!r}")
    return _midpoint(before or "", after)


def spread(count: int) -> list[str]:
    """``count`` increasing keys, evenly spaced (short keys for a bulk upgrade or import)."""
    if count <= 0:
        return []
    width = 1
    while BASE**width <= count + 1:
        width += 1
    step = BASE**width // (count + 1)
    keys = []
    for i in range(1, count + 1):
        value, digits = step * i, []
        for _ in range(width):
            value, digit = divmod(value, BASE)
            digits.append(DIGITS[digit])
        keys.append("".join(reversed(digits)).rstrip("0"))
    return keys
