"""The fused candidate pass picks what the numpy expressions it replaced picked."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.assignment.pricing import cheapest_k, near_or_cheapest


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 4), st.integers(0, 30))
def test_near_or_cheapest_matches_numpy(seed: int, k: int, slack: int) -> None:
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(1, 8)), int(rng.integers(1, 10))
    item, option = np.nonzero(rng.random((n, m)) < 0.7)
    indptr = np.searchsorted(item, np.arange(n + 1))
    cost = rng.integers(0, 40, item.size)
    price = rng.integers(0, 20, m)
    leave = rng.integers(0, 70, n)
    got = near_or_cheapest(indptr, option, cost, price, leave, k, slack)
    priced = cost + price[option]
    best = np.minimum(leave, [priced[indptr[i] : indptr[i + 1]].min(initial=leave[i]) for i in range(n)])
    near = priced - best[item] <= slack
    np.testing.assert_array_equal(got, cheapest_k(indptr, priced, k) | near)
