"""The compiled kernels of the network path against independent references: scipy's dense
``linear_sum_assignment`` for the assignment and its duals, numpy for the pricing passes."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from matcher.assignment.auction import auction_prices
from matcher.assignment.pricing import cheapest_k, item_minimum, violations
from matcher.assignment.ssp import FORBIDDEN, assign_csr

BIG = 10**12


@st.composite
def csr_problems(draw: st.DrawFn, max_items: int = 7, max_options: int = 7) -> dict[str, np.ndarray]:
    n = draw(st.integers(1, max_items))
    m = draw(st.integers(1, max_options))
    density = draw(st.floats(0.0, 1.0))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    item, option = np.nonzero(rng.random((n, m)) < density)
    must = rng.random(n) < draw(st.floats(0.0, 0.5))
    return {
        "indptr": np.searchsorted(item, np.arange(n + 1)).astype(np.int64),
        "item": item.astype(np.int64),
        "option": option.astype(np.int64),
        "cost": rng.integers(-5, 40, item.size).astype(np.int64),
        "leave": np.where(must, FORBIDDEN, rng.integers(0, 50, n)).astype(np.int64),
        "capacity": rng.integers(0, 3, m).astype(np.int64),
    }


def dense_optimum(p: dict[str, np.ndarray]) -> int | None:
    """Each option copied ``capacity`` times, a private "unassigned" column per item."""
    n, m = p["leave"].size, p["capacity"].size
    slots = np.repeat(np.arange(m), p["capacity"])
    matrix = np.full((n, slots.size + n), BIG, np.float64)
    for e in range(p["item"].size):
        matrix[p["item"][e], np.flatnonzero(slots == p["option"][e])] = p["cost"][e]
    for i in range(n):
        if p["leave"][i] < FORBIDDEN:
            matrix[i, slots.size + i] = p["leave"][i]
    rows, cols = linear_sum_assignment(matrix)
    if (matrix[rows, cols] >= BIG).any():
        return None
    return int(matrix[rows, cols].sum())


@given(p=csr_problems())
@settings(max_examples=300, deadline=None)
def test_shortest_paths_are_optimal_with_optimal_duals(p: dict[str, np.ndarray]) -> None:
    feasible, option_of, u, price = assign_csr(p["indptr"], p["option"], p["cost"], p["leave"], p["capacity"])
    expected = dense_optimum(p)
    assert feasible == (expected is not None)
    if expected is None:
        return
    used = p["option"] == option_of[p["item"]]
    assert np.bincount(p["item"][used], minlength=option_of.size).max(initial=0) <= 1
    assert ((option_of >= 0) == np.isin(np.arange(option_of.size), p["item"][used])).all()
    load = np.bincount(option_of[option_of >= 0], minlength=p["capacity"].size)
    assert (load <= p["capacity"]).all()
    assert (p["leave"][option_of < 0] < FORBIDDEN).all()
    value = int(p["cost"][used].sum() + p["leave"][option_of < 0].sum())
    assert value == expected
    # dual feasibility, complementary slackness and a zero duality gap
    assert (price >= 0).all() and (price[load < p["capacity"]] == 0).all()
    assert (p["cost"] + price[p["option"]] - u[p["item"]] >= 0).all()
    assert (u <= p["leave"]).all()
    assert int(u.sum() - price @ p["capacity"]) == expected


@given(p=csr_problems(max_items=12, max_options=12), k=st.integers(0, 4))
@settings(max_examples=100, deadline=None)
def test_pricing_passes_match_numpy(p: dict[str, np.ndarray], k: int) -> None:
    rng = np.random.default_rng(k)
    price = rng.integers(0, 20, p["capacity"].size).astype(np.int64)
    n = p["leave"].size
    best = item_minimum(p["indptr"], p["option"], p["cost"], price, p["leave"])
    priced = p["cost"] + price[p["option"]]
    expected = p["leave"].copy()
    np.minimum.at(expected, p["item"], priced)
    assert (best == expected).all()
    picked = cheapest_k(p["indptr"], priced, k)
    for i in range(n):
        mine = np.flatnonzero(p["item"] == i)
        order = mine[np.lexsort((mine, priced[mine]))]
        assert set(np.flatnonzero(picked & (p["item"] == i))) == set(order[:k])
    cand = rng.random(p["item"].size) < 0.5
    value = best + rng.integers(0, 10, n)
    found, add = violations(p["indptr"], p["option"], p["cost"], price, value, cand, max(k, 1))
    reduced = priced - value[p["item"]]
    negative = (reduced < 0) & ~cand
    assert found == int(negative.sum())
    assert not (add & ~negative).any()
    for i in range(n):
        mine = np.flatnonzero(negative & (p["item"] == i))
        assert np.count_nonzero(add[mine]) == min(mine.size, max(k, 1))


@given(p=csr_problems())
@settings(max_examples=100, deadline=None)
def test_auction_prices_are_prices(p: dict[str, np.ndarray]) -> None:
    price = auction_prices(p["indptr"], p["option"], p["cost"], p["leave"], p["capacity"].size, 3)
    assert price.shape == p["capacity"].shape and (price >= 0).all()
    untouched = ~np.isin(np.arange(price.size), p["option"])
    assert (price[untouched] == 0).all()
