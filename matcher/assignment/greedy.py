"""Greedy assignment: items in a given order each take their cheapest edge that still fits.

This is how a person matches by hand (first come, first served), the baseline the benchmarks compare
with, and the repair step that turns a relaxed solution into a feasible incumbent. Each item's edges
are checked at once with numpy, so an item with thousands of eligible options costs one vector pass.
"""

from __future__ import annotations

import numpy as np
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
    increasing ``rank`` (default: cost; the relaxation passes costs with scarce capacity priced in).
    """
    used = np.zeros(core.n_edges, bool) if start is None else start.copy()
    load_opt = np.bincount(core.edge_option[used], minlength=core.n_options)
    load_row = core.constraint_matrix @ used.astype(np.int64)
    done = np.zeros(core.n_items, bool)
    done[core.edge_item[used]] = True
    csc = core.constraint_matrix.tocsc()
    edge_order = np.lexsort((core.edge_cost if rank is None else rank, core.edge_item))
    if allowed is not None:
        edge_order = edge_order[allowed[edge_order]]
    bounds = np.searchsorted(core.edge_item[edge_order], np.arange(core.n_items + 1))
    for i in (np.arange(core.n_items) if order is None else order).tolist():
        if done[i]:
            continue
        edges = edge_order[bounds[i] : bounds[i + 1]]
        if not core.must_assign[i]:
            edges = edges[core.edge_cost[edges] < core.unassigned_cost[i]]
        edges = edges[load_opt[core.edge_option[edges]] < core.option_capacity[core.edge_option[edges]]]
        if edges.size and core.n_constraints:
            sub = csc[:, edges]
            over = sub.data + load_row[sub.indices] > core.constraint_upper[sub.indices]
            bad = np.zeros(edges.size, bool)
            cols = np.repeat(np.arange(edges.size), np.diff(sub.indptr))
            bad[cols[over]] = True
            edges = edges[~bad]
        if edges.size == 0:
            continue
        e = int(edges[0])
        used[e] = True
        load_opt[core.edge_option[e]] += 1
        lo, hi = csc.indptr[e], csc.indptr[e + 1]
        load_row[csc.indices[lo:hi]] += csc.data[lo:hi]
        done[i] = True
    if (core.must_assign & ~done).any() or (load_row < core.constraint_lower).any():
        return None
    return used
