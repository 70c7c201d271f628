"""Greedy assignment: items in a given order each take their cheapest edge that still fits.

This is how a person matches by hand (first come, first served), the baseline the benchmarks compare
with, and the repair step that turns a relaxed solution into a feasible incumbent. One compiled pass
reads each item's edges once and keeps the lowest-ranked that fits, so a call costs one pass over
the edges (a fraction of a second at 30 M edges) instead of a sort of all of them.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import NDArray

from matcher.assignment.core import Core
from matcher.assignment.problem import BoolArray, IntArray


def greedy(
    core: Core,
    order: IntArray | None = None,
    *,
    start: BoolArray | None = None,
    allowed: BoolArray | None = None,
    rank: NDArray[np.int64] | None = None,
) -> BoolArray | None:
    """Complete ``start`` (default: nothing) greedily; ``None`` if the result breaks a constraint.

    An item that may stay unassigned takes an edge only if it costs less than staying unassigned.
    Items already served by ``start`` are skipped. Only ``allowed`` edges are tried, each item's in
    increasing ``rank`` (default: cost; the relaxation passes costs with scarce capacity priced in),
    ties to the earlier edge.
    """
    used = np.zeros(core.n_edges, bool) if start is None else start.copy()
    load_opt = np.bincount(core.edge_option[used], minlength=core.n_options).astype(np.int64)
    load_row = np.asarray(core.constraint_matrix @ used.astype(np.int64), np.int64)
    done = np.zeros(core.n_items, bool)
    done[core.edge_item[used]] = True
    csc = core.constraint_columns
    _fill(
        core.indptr,
        core.edge_option,
        core.edge_cost,
        core.unassigned_cost,
        core.must_assign,
        core.option_capacity,
        csc.indptr.astype(np.int64, copy=False),
        csc.indices,
        csc.data.astype(np.int64, copy=False),
        core.constraint_upper,
        core.edge_cost if rank is None else np.asarray(rank),
        allowed if allowed is not None else np.ones(1, bool),
        allowed is not None,
        (np.arange(core.n_items) if order is None else np.asarray(order)).astype(np.int64),
        used,
        load_opt,
        load_row,
        done,
    )
    if (core.must_assign & ~done).any() or (load_row < core.constraint_lower).any():
        return None
    return used


@njit(cache=True)
def _fill(  # pragma: no cover - compiled
    indptr: IntArray,
    option: IntArray,
    cost: IntArray,
    unassigned: IntArray,
    must: BoolArray,
    capacity: IntArray,
    col_ptr: IntArray,
    col_row: NDArray[np.integer],
    col_weight: IntArray,
    upper: IntArray,
    rank: NDArray[np.generic],
    allowed: BoolArray,
    use_allowed: bool,
    order: IntArray,
    used: BoolArray,
    load_opt: IntArray,
    load_row: IntArray,
    done: BoolArray,
) -> None:
    """Items in ``order`` take their lowest-ranked edge that fits; loads are updated in place."""
    for i in order:
        if done[i]:
            continue
        pick = -1
        for e in range(indptr[i], indptr[i + 1]):
            if use_allowed and not allowed[e]:
                continue
            if pick >= 0 and rank[e] >= rank[pick]:
                continue
            if not must[i] and cost[e] >= unassigned[i]:
                continue
            if load_opt[option[e]] >= capacity[option[e]]:
                continue
            fits = True
            for j in range(col_ptr[e], col_ptr[e + 1]):
                if col_weight[j] + load_row[col_row[j]] > upper[col_row[j]]:
                    fits = False
                    break
            if fits:
                pick = e
        if pick < 0:
            continue
        used[pick] = True
        load_opt[option[pick]] += 1
        for j in range(col_ptr[pick], col_ptr[pick + 1]):
            load_row[col_row[j]] += col_weight[j]
        done[i] = True
