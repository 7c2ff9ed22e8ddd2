"""Order keys (crdt/order.py): a paragraph's position as a string between its neighbours."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crdt import order


def test_between_the_ends_and_two_keys() -> None:
    first = order.between(None, None)
    assert order.valid(first)
    before, after = order.between(None, first), order.between(first, None)
    assert before < first < after
    middle = order.between(before, first)
    assert before < middle < first


def test_invalid_keys_and_bounds_are_refused() -> None:
    for bad in ("", "a0", "a-b"):
        assert not order.valid(bad)
        with pytest.raises(order.OrderKeyError):
            order.between(bad, None)
    with pytest.raises(order.OrderKeyError):
        order.between("b", "a")
    with pytest.raises(order.OrderKeyError):
        order.between("a", "a")


@given(st.lists(st.integers(0, 1000), min_size=1, max_size=200))
def test_repeated_insertions_keep_a_strict_order(steps: list[int]) -> None:
    """Insert anywhere, many times (including always at one spot): every key valid,
    strictly between its neighbours."""
    keys = [order.between(None, None)]
    for at in steps:
        i = at % (len(keys) + 1)
        low = keys[i - 1] if i > 0 else None
        high = keys[i] if i < len(keys) else None
        key = order.between(low, high)
        assert order.valid(key)
        keys.insert(i, key)
        assert keys == sorted(keys) and len(set(keys)) == len(keys)


@given(st.integers(0, 5000))
def test_spread_gives_increasing_valid_keys(count: int) -> None:
    keys = order.spread(count)
    assert len(keys) == count
    assert all(order.valid(k) for k in keys)
    assert keys == sorted(keys) and len(set(keys)) == count
