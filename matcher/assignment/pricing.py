"""Passes over every edge, grouped by item (CSR), compiled with numba.

Large instances have millions of edges (14 M at 10,000 items), and the network path reads all
of them once per pricing round; sorting or ``np.minimum.at`` there cost seconds, these passes tens
of milliseconds. ``indptr`` is the item -> edge CSR pointer of a :class:`Core` (edges sorted by item).
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import NDArray

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@njit(cache=True, inline="always")
def _keep(
    buf_v: NDArray[np.generic], buf_e: IntArray, size: int, k: int, v: float, e: int
) -> int:  # pragma: no cover
    """Insert ``(v, e)`` into the sorted buffer of the ``k`` smallest so far; the new size."""
    if size == k and v >= buf_v[k - 1]:
        return size
    pos = size if size < k else k - 1
    while pos > 0 and buf_v[pos - 1] > v:
        buf_v[pos] = buf_v[pos - 1]
        buf_e[pos] = buf_e[pos - 1]
        pos -= 1
    buf_v[pos] = v
    buf_e[pos] = e
    return size + 1 if size < k else size


@njit(cache=True)
def _smallest(  # pragma: no cover - compiled
    indptr: IntArray, values: NDArray[np.float64], k: int, among: BoolArray, use_among: bool, out: BoolArray
) -> None:
    """Per item, keep a sorted buffer of its ``k`` smallest values (ties: the earlier edge)."""
    buf_v = np.empty(k + 1, np.float64)
    buf_e = np.empty(k + 1, np.int64)
    for i in range(indptr.size - 1):
        size = 0
        for e in range(indptr[i], indptr[i + 1]):
            if use_among and not among[e]:
                continue
            v = values[e]
            size = _keep(buf_v, buf_e, size, k, v, e)
        for t in range(size):
            out[buf_e[t]] = True


def cheapest_k(
    indptr: IntArray, values: NDArray[np.generic], k: int, among: BoolArray | None = None
) -> BoolArray:
    """Mask of each item's ``k`` smallest ``values`` (only ``among`` them, if given); ties by edge."""
    out = np.zeros(values.size, np.bool_)
    flag = among is not None
    mask = among if among is not None else np.zeros(1, np.bool_)
    if k > 0:
        _smallest(indptr, np.asarray(values, np.float64), int(k), mask, flag, out)
    return out


@njit(cache=True)
def _item_minimum(  # pragma: no cover - compiled
    indptr: IntArray, option: IntArray, cost: IntArray, price: IntArray, start: IntArray
) -> IntArray:
    best = start.copy()
    for i in range(indptr.size - 1):
        b = best[i]
        for e in range(indptr[i], indptr[i + 1]):
            v = cost[e] + price[option[e]]
            if v < b:
                b = v
        best[i] = b
    return best


def item_minimum(
    indptr: IntArray, option: IntArray, cost: IntArray, price: IntArray, start: IntArray
) -> IntArray:
    """Per item, ``min(start[i], min over its edges of cost + price[option])``."""
    return _item_minimum(indptr, option, cost, price, start)


@njit(cache=True)
def _violations(  # pragma: no cover - compiled
    indptr: IntArray,
    option: IntArray,
    cost: IntArray,
    price: IntArray,
    value: IntArray,
    cand: BoolArray,
    k: int,
    out: BoolArray,
) -> int:
    found = 0
    buf_v = np.empty(k + 1, np.int64)
    buf_e = np.empty(k + 1, np.int64)
    for i in range(indptr.size - 1):
        size = 0
        for e in range(indptr[i], indptr[i + 1]):
            r = cost[e] + price[option[e]] - value[i]
            if r >= 0 or cand[e]:
                continue
            found += 1
            size = _keep(buf_v, buf_e, size, k, r, e)
        for t in range(size):
            out[buf_e[t]] = True
    return found


def violations(
    indptr: IntArray,
    option: IntArray,
    cost: IntArray,
    price: IntArray,
    value: IntArray,
    cand: BoolArray,
    k: int,
) -> tuple[int, BoolArray]:
    """Edges outside ``cand`` with negative reduced cost ``cost + price[option] - value[item]``:
    how many there are, and a mask of each item's ``k`` most negative of them."""
    out = np.zeros(cost.size, np.bool_)
    found = _violations(indptr, option, cost, price, value, cand, int(k), out)
    return int(found), out


@njit(cache=True)
def _near_or_cheapest(  # pragma: no cover - compiled
    indptr: IntArray,
    option: IntArray,
    cost: IntArray,
    price: IntArray,
    leave: IntArray,
    k: int,
    slack: int,
    out: BoolArray,
) -> None:
    buf_v = np.empty(k + 1, np.int64)
    buf_e = np.empty(k + 1, np.int64)
    for i in range(indptr.size - 1):
        best = leave[i]
        size = 0
        for e in range(indptr[i], indptr[i + 1]):
            v = cost[e] + price[option[e]]
            if v < best:
                best = v
            if k > 0:
                size = _keep(buf_v, buf_e, size, k, v, e)
        for t in range(size):
            out[buf_e[t]] = True
        for e in range(indptr[i], indptr[i + 1]):
            if cost[e] + price[option[e]] - best <= slack:
                out[e] = True


def near_or_cheapest(
    indptr: IntArray,
    option: IntArray,
    cost: IntArray,
    price: IntArray,
    leave: IntArray,
    k: int,
    slack: int,
) -> BoolArray:
    """Per item, its ``k`` cheapest edges under ``cost + price[option]`` and all within ``slack``
    of its best (``leave`` counted as an option): one pass, no edge-sized temporaries."""
    out = np.zeros(cost.size, np.bool_)
    _near_or_cheapest(indptr, option, cost, price, leave, int(k), int(slack), out)
    return out


@njit(cache=True)
def _reduced_costs(  # pragma: no cover - compiled
    indptr: IntArray, option: IntArray, cost: IntArray, price: IntArray, best: IntArray
) -> IntArray:
    out = np.empty(cost.size, np.int64)
    for i in range(indptr.size - 1):
        b = best[i]
        for e in range(indptr[i], indptr[i + 1]):
            out[e] = cost[e] + price[option[e]] - b
    return out


def reduced_costs(
    indptr: IntArray, option: IntArray, cost: IntArray, price: IntArray, best: IntArray
) -> IntArray:
    """``cost + price[option] - best[item]`` per edge, in one pass."""
    return _reduced_costs(indptr, option, cost, price, best)


@njit(cache=True)
def _used_edges(indptr: IntArray, option: IntArray, option_of: IntArray) -> BoolArray:  # pragma: no cover
    out = np.zeros(option.size, np.bool_)
    for i in range(indptr.size - 1):
        j = option_of[i]
        if j < 0:
            continue
        for e in range(indptr[i], indptr[i + 1]):
            if option[e] == j:
                out[e] = True
                break
    return out


def used_edges(indptr: IntArray, option: IntArray, option_of: IntArray) -> BoolArray:
    """Mask of the edge each item uses (``option_of[i] < 0``: none)."""
    return _used_edges(indptr, option, option_of)
