"""Greedy assignment: items in a given order each take their cheapest edge that still fits.

This is how a person matches by hand (first come, first served), the baseline the benchmarks compare
with, and the repair step that turns a rounded relaxation into a feasible incumbent.
"""

from __future__ import annotations

import numpy as np

from matcher.assignment.core import Core
from matcher.assignment.problem import BoolArray, IntArray


def greedy(
    core: Core,
    order: IntArray | None = None,
    *,
    start: BoolArray | None = None,
    allowed: BoolArray | None = None,
) -> BoolArray | None:
    """Complete ``start`` (default: nothing) greedily; ``None`` if the result breaks a constraint.

    An item that may stay unassigned takes an edge only if it costs less than staying unassigned.
    Items already served by ``start`` are skipped. Only ``allowed`` edges are tried.
    """
    used = np.zeros(core.n_edges, bool) if start is None else start.copy()
    allowed_mask = np.ones(core.n_edges, bool) if allowed is None else allowed
    load_opt = np.bincount(core.option[used], minlength=core.n_options)
    load_row = core.matrix @ used.astype(np.int64)
    done = np.zeros(core.n_items, bool)
    done[core.item[used]] = True
    csc = core.matrix.tocsc()
    edge_order = np.lexsort((core.cost, core.item))
    items_sorted = core.item[edge_order]
    bounds = np.searchsorted(items_sorted, np.arange(core.n_items + 1))
    for i in (np.arange(core.n_items) if order is None else order).tolist():
        if done[i]:
            continue
        for e in edge_order[bounds[i] : bounds[i + 1]].tolist():
            if not allowed_mask[e]:
                continue
            if not core.must[i] and core.cost[e] >= core.unassigned[i]:
                break
            j = core.option[e]
            if load_opt[j] >= core.capacity[j]:
                continue
            rows = csc.indices[csc.indptr[e] : csc.indptr[e + 1]]
            w = csc.data[csc.indptr[e] : csc.indptr[e + 1]]
            if (load_row[rows] + w > core.upper[rows]).any():
                continue
            used[e] = True
            load_opt[j] += 1
            load_row[rows] += w
            done[i] = True
            break
    if (core.must & ~done).any() or (load_row < core.lower).any():
        return None
    return used
