"""Large-neighbourhood search: re-solve exactly a part of the incumbent with the rest fixed.

A neighbourhood frees the items that use two or three side constraints' edges (or a random share of
all items), plus some unassigned ones; every other item keeps its edge, and what it uses comes off
the option capacities and the side constraints' bounds. A small HiGHS MIP over the free items' best
edges (ranked by the dual's per-edge bound, which also drops every edge that cannot be in a better
solution) then finds their best re-arrangement, starting from the current one (feasible in it),
so a step never makes the incumbent worse. Neighbourhoods grow while the sub-MIPs prove optimality
quickly and shrink when they do not, so each takes about a second.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from matcher.assignment.core import Core
from matcher.assignment.incumbent import Incumbent
from matcher.assignment.mip import MipSettings, left_by, solve_restricted
from matcher.assignment.problem import BoolArray

FloatArray = NDArray[np.float64]
#: Seconds one sub-MIP may take at most (also how often the caller hears of progress).
STEP_SECONDS = 1.0
#: Edges per sub-MIP at most (HiGHS proves a few thousand-edge assignment MIP in well under a second).
MAX_EDGES = 12_000
#: Items a first neighbourhood frees (then adapted to what the sub-MIPs manage).
START_ITEMS = 40
#: Each free item brings at most this many of its edges (best ``rank`` first), plus its own.
EDGES_PER_ITEM = 24


def improve(
    core: Core,
    incumbent: Incumbent,
    rank: FloatArray,
    cutoff: float,
    deadline: float,
    on_step: Callable[[], bool],
    settings: MipSettings,
    patience: int | None = None,
) -> int:
    """Improve ``incumbent`` in place until ``deadline``, ``on_step()`` says stop, the incumbent
    reaches ``cutoff`` (a cost the bound proves good enough), or (given ``patience``) after that
    many steps in a row without a gain. ``rank[e]`` orders edges (lower first); an edge with
    ``rank[e] > incumbent - 1`` cannot be in a better solution and is never offered. Returns the
    steps run."""
    rng = np.random.default_rng(settings.seed)
    target = max(20, min(core.n_items, START_ITEMS))
    steps = 0
    idle = 0
    while incumbent.used is not None and time.perf_counter() < deadline - 0.05:
        if incumbent.objective <= cutoff or not on_step():
            break
        if patience is not None and idle >= patience:
            break
        steps += 1
        used = incumbent.used
        free = _neighbourhood(core, used, target, rng, by_rows=steps % 3 != 0)
        per_item = max(4, min(EDGES_PER_ITEM, MAX_EDGES // max(1, int(free.sum()))))
        edges = _edges(core, free, rank, incumbent.objective, per_item)
        fixed = used & ~free[core.edge_item]
        capacity, lower, upper = left_by(core, fixed)
        edges &= capacity[core.edge_option] > 0
        edges |= used & free[core.edge_item]
        limit = min(STEP_SECONDS, deadline - time.perf_counter())
        if limit <= 0.05:
            break
        t0 = time.perf_counter()
        current = used & free[core.edge_item]
        sub, proven = solve_restricted(
            core,
            edges,
            free,
            capacity,
            lower,
            upper,
            limit,
            current,
            settings,
        )
        took = time.perf_counter() - t0
        improved = incumbent.offer(None if sub is None else fixed | sub)
        if improved:
            # the sub-MIP re-arranged its items: single moves and chains across the rest may pay now
            incumbent.polish(deadline, settings.seed + steps, max_passes=1)
        idle = 0 if improved else idle + 1
        if proven and took < 0.3 * STEP_SECONDS:
            target = min(core.n_items, int(target * 1.3) + 1)
        elif not proven and not improved:
            target = max(10, int(target * 0.7))
    return steps


def _neighbourhood(
    core: Core, used: BoolArray, target: int, rng: np.random.Generator, *, by_rows: bool
) -> BoolArray:
    """The items to free: those on a few random side constraints (or random items), about
    ``target`` of them, plus up to a third as many unassigned items."""
    free = np.zeros(core.n_items, bool)
    csr = core.constraint_matrix
    if by_rows and core.n_constraints:
        for k in rng.permutation(core.n_constraints).tolist():
            row = csr.indices[csr.indptr[k] : csr.indptr[k + 1]]
            items = core.edge_item[row[used[row]]]
            room = target - int(free.sum())
            if items.size > room:
                items = rng.choice(items, room, replace=False)
            free[items] = True
            if free.sum() >= target:
                break
    else:
        assigned = core.edge_item[used]
        if assigned.size:
            free[rng.choice(assigned, min(target, assigned.size), replace=False)] = True
    waiting = np.ones(core.n_items, bool)
    waiting[core.edge_item[used]] = False
    waiting &= np.diff(core.indptr) > 0
    idle = np.flatnonzero(waiting)
    if idle.size:
        free[rng.choice(idle, min(idle.size, max(1, target // 3)), replace=False)] = True
    return free


def _edges(core: Core, free: BoolArray, rank: FloatArray, objective: float, per_item: int) -> BoolArray:
    """The free items' edges that could be in a better solution, each item's best few by rank."""
    useful = free[core.edge_item] & (rank <= objective - 1 + 1e-9)
    keep = np.zeros(core.n_edges, bool)
    idx = np.flatnonzero(useful)
    if idx.size:
        order = idx[np.lexsort((rank[idx], core.edge_item[idx]))]
        items = core.edge_item[order]
        first = np.r_[0, np.flatnonzero(items[1:] != items[:-1]) + 1]
        position = np.arange(order.size) - np.repeat(first, np.diff(np.r_[first, order.size]))
        keep[order[position < per_item]] = True
    return keep
