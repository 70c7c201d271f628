"""Approximate option prices by an auction, to choose the candidate edges of the network path.

When many items want the same few options, the optimal prices of those options are high and an
item's optimal edge is far down its list by cost: candidates taken by cost alone then need dozens
of pricing rounds to reach it. A Gauss-Seidel auction (Bertsekas) with a coarse bid increment
finds prices within a few increments of optimal in one pass of bids over every edge; each item's
cheapest edges *under those prices* are then nearly always enough, and pricing with exact duals
repairs the rest. Nothing here needs to be exact: exactness comes from the assignment and pricing.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import NDArray

IntArray = NDArray[np.int64]


@njit(cache=True)
def _auction(  # pragma: no cover - compiled
    indptr: IntArray,
    option: IntArray,
    cost: IntArray,
    leave: IntArray,
    n_options: int,
    eps: int,
    max_bids: int,
) -> IntArray:
    n = indptr.size - 1
    price = np.zeros(n_options, np.int64)
    holder = np.full(n_options, -1, np.int64)
    queue = np.arange(n, dtype=np.int64)  # a ring of items waiting to bid
    head, size = 0, n
    bids = 0
    while size > 0 and bids < max_bids:
        i = queue[head]
        head = (head + 1) % n
        size -= 1
        best = leave[i]
        second = leave[i]
        target = -1
        for e in range(indptr[i], indptr[i + 1]):
            v = cost[e] + price[option[e]]
            if v < best:
                second = best
                best = v
                target = option[e]
            elif v < second:
                second = v
        if target < 0:
            continue  # staying unassigned is best; prices only rise, so it stays best
        bids += 1
        price[target] += second - best + eps
        out = holder[target]
        holder[target] = i
        if out >= 0:
            queue[(head + size) % n] = out
            size += 1
    return price


def auction_prices(
    indptr: IntArray, option: IntArray, cost: IntArray, leave: IntArray, n_options: int, eps: int
) -> IntArray:
    """Option prices from a forward auction of unit-capacity options with bid increment ``eps``.

    ``leave[i]`` is item ``i``'s cost of staying unassigned (a very large value if it must not).
    Stops after 200 bids per item on average, so a price war cannot take long.
    """
    n = indptr.size - 1
    return _auction(indptr, option, cost, leave, int(n_options), max(1, int(eps)), 200 * max(n, 1))
