"""Exact fast path without side constraints: min-cost flow on candidate edges, priced by duals.

The flow network is source -> item (1) -> option (edge cost) -> sink (option capacity), plus
item -> sink at the unassigned cost for items that may stay unassigned. Solving it on all eligible
edges is slow (20 M edges take ~20 s), so it runs on each item's cheapest edges first; node
potentials of the optimal flow (shortest distances in the residual network) then price every other
edge. An edge with negative reduced cost is added and the flow re-solved; when none is left the
candidate optimum is optimal for the whole problem (LP duality), and the potentials prove it.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from ortools.graph.python import min_cost_flow
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from matcher.assignment.core import Core
from matcher.assignment.problem import BoolArray, IntArray

ADD_PER_ITEM = 48


@dataclass(frozen=True)
class FlowResult:
    feasible: bool
    used: BoolArray  #: over the core's edges
    objective: int
    bound: int
    optimal: bool
    rounds: int
    candidates: int


def cheapest_per_item(
    core: Core, costs: NDArray[np.generic], k: int, among: BoolArray | None = None
) -> BoolArray:
    """Mask of each item's ``k`` cheapest edges under ``costs`` (only ``among`` them, if given)."""
    keep = np.zeros(core.n_edges, bool)
    idx = np.arange(core.n_edges) if among is None else np.flatnonzero(among)
    if idx.size == 0:
        return keep
    order = idx[np.lexsort((costs[idx], core.item[idx]))]
    items = core.item[order]
    starts = np.flatnonzero(np.r_[True, items[1:] != items[:-1]])
    rank = np.arange(order.size) - np.repeat(starts, np.diff(np.r_[starts, order.size]))
    keep[order[rank < k]] = True
    return keep


@dataclass(frozen=True)
class Priced:
    """An assignment under some edge costs, with a proven lower bound.

    ``bound`` is a Lagrangian bound over *all* edges (option capacities priced by the network
    potentials), valid whether or not pricing converged; ``reduced[e] >= 0`` and, for any feasible
    selection ``x``, ``cost(x) >= bound + sum(reduced[e] x[e])``, which lets callers drop edges that
    cannot pay off. When ``converged``, ``bound`` equals the assignment's cost: it is optimal.
    """

    feasible: bool
    used: BoolArray
    objective: int
    bound: int
    reduced: NDArray[np.int64]
    rounds: int
    converged: bool


def assign_priced(
    core: Core,
    cost: NDArray[np.int64],
    unassigned: NDArray[np.int64],
    cand: BoolArray,
    *,
    max_rounds: int = 1_000_000,
    deadline: float = math.inf,
) -> Priced:
    """Min-cost assignment under ``cost`` (option capacities only), grown from ``cand`` by pricing.

    ``cand`` is updated in place with the edges pricing added, so later calls start from it.
    Stops after ``max_rounds`` flows or at ``deadline`` (``time.perf_counter()``) with a valid bound.
    """
    rounds = 0
    n = core.n_items
    while True:
        rounds += 1
        edges = np.flatnonzero(cand)
        feasible, flow_used, potential = _min_cost_flow(core, edges, cost, unassigned)
        if not feasible:
            if cand.all():
                empty = np.zeros(core.n_edges, np.int64)
                return Priced(False, np.zeros(core.n_edges, bool), 0, 0, empty, rounds, True)
            cand[:] = True
            continue
        # Reduced cost of every edge: c + pi(item) - pi(option) must be >= 0 at the optimum.
        add = (cost + potential[core.item] - potential[n + core.option] < 0) & ~cand
        converged = not add.any()
        if converged or rounds >= max_rounds or time.perf_counter() >= deadline:
            used = np.zeros(core.n_edges, bool)
            used[edges[flow_used]] = True
            assigned = np.zeros(n, bool)
            assigned[core.item[used]] = True
            objective = int(cost[used].sum() + unassigned[~assigned].sum())
            # price of an option: what reaching the sink through it saves, never negative
            price = np.maximum(potential[n + core.n_options] - potential[n : n + core.n_options], 0)
            bound, reduced = _lagrangian(core, cost, unassigned, price)
            return Priced(True, used, objective, bound, reduced, rounds, converged)
        # Adding only each item's most negative edges keeps the flow small as prices move.
        reduced_add = cost + potential[core.item] - potential[n + core.option]
        cand |= cheapest_per_item(core, reduced_add, ADD_PER_ITEM, among=add)


def _lagrangian(
    core: Core, cost: NDArray[np.int64], unassigned: NDArray[np.int64], price: NDArray[np.int64]
) -> tuple[int, NDArray[np.int64]]:
    """Relax option capacities at ``price >= 0``: items then pick their cheapest priced edge."""
    priced = cost + price[core.option]
    best = np.where(core.must, np.iinfo(np.int64).max // 4, unassigned)
    np.minimum.at(best, core.item, priced)
    finite = core.capacity < core.n_items
    bound = int(best.sum() - price[finite] @ np.minimum(core.capacity[finite], core.n_items))
    return bound, priced - best[core.item]


def solve_network(core: Core, k: int = 8, deadline: float = math.inf) -> FlowResult:
    """Optimal assignment of ``core`` (which must have no side constraints) by priced assignment."""
    cand = cheapest_per_item(core, core.cost, k)
    res = assign_priced(core, core.cost, core.unassigned, cand, deadline=deadline)
    objective = core.objective(res.used) if res.feasible else 0
    bound = res.bound + core.fixed_cost
    return FlowResult(res.feasible, res.used, objective, bound, res.converged, res.rounds, int(cand.sum()))


def _min_cost_flow(
    core: Core, edges: IntArray, cost: NDArray[np.int64], unassigned: NDArray[np.int64]
) -> tuple[bool, BoolArray, IntArray]:
    """Solve the flow on ``edges``; return feasibility, the used edges and node potentials."""
    n, m = core.n_items, core.n_options
    sink, source = n + m, n + m + 1
    skip = np.flatnonzero(~core.must)
    tails = np.concatenate([np.full(n, source), core.item[edges], n + np.arange(m), skip])
    heads = np.concatenate([np.arange(n), n + core.option[edges], np.full(m, sink), np.full(skip.size, sink)])
    caps = np.concatenate(
        [
            np.ones(n, np.int64),
            np.ones(edges.size, np.int64),
            np.minimum(core.capacity, n),
            np.ones(skip.size, np.int64),
        ]
    )
    costs = np.concatenate([np.zeros(n, np.int64), cost[edges], np.zeros(m, np.int64), unassigned[skip]])
    if (core.capacity == 1).all():
        flows = _sparse_matching(core, edges, cost, unassigned, skip)
    else:
        flow = min_cost_flow.SimpleMinCostFlow()
        flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
        flow.set_node_supply(source, n)
        flow.set_node_supply(sink, -n)
        flows = flow.flows(np.arange(tails.size)) if flow.solve() == flow.OPTIMAL else None
    if flows is None:
        return False, np.zeros(edges.size, bool), np.zeros(0, np.int64)
    potential = _potentials(n + m + 2, tails, heads, caps, costs, flows)
    return True, flows[n : n + edges.size] > 0, potential


def _sparse_matching(
    core: Core, edges: IntArray, cost: NDArray[np.int64], unassigned: NDArray[np.int64], skip: IntArray
) -> IntArray | None:
    """Unit capacities: a sparse Jonker-Volgenant (LAPJVsp, scipy) on items x (options + one private
    "unassigned" column per optional item), about twice as fast as the general min-cost flow.

    Returns the flow on the arcs of :func:`_min_cost_flow`'s network, or None if infeasible.
    """
    n, m = core.n_items, core.n_options
    rows = np.concatenate([core.item[edges], skip])
    cols = np.concatenate([core.option[edges], m + np.arange(skip.size)])
    # +1 keeps every weight positive (a stored zero would vanish); each row pays it once.
    weights = np.concatenate([cost[edges], unassigned[skip]]).astype(np.float64) + 1.0
    graph = sp.csr_matrix((weights, (rows, cols)), shape=(n, m + skip.size))
    try:
        row, col = min_weight_full_bipartite_matching(graph)
    except ValueError:
        return None
    if row.size < n:  # scipy matches the smaller side fully; every item needs a column
        return None
    option_of = np.full(n, -1)
    option_of[row] = col
    on_edge = option_of[core.item[edges]] == core.option[edges]
    option_used = np.zeros(m, np.int64)
    option_used[col[col < m]] = 1
    skipped = option_of[skip] >= m
    return np.concatenate(
        [np.ones(n, np.int64), on_edge.astype(np.int64), option_used, skipped.astype(np.int64)]
    )


def _potentials(
    n_nodes: int,
    tails: IntArray,
    heads: IntArray,
    caps: IntArray,
    costs: IntArray,
    flows: IntArray,
) -> IntArray:
    """Shortest distances in the residual network from a virtual root joined to every node.

    Vectorised Bellman-Ford: each round relaxes all arcs at once and it stops when nothing changes
    (a few dozen rounds on assignment networks; scipy's Bellman-Ford has no early exit and takes
    ~100x longer here).
    """
    fwd = flows < caps
    bwd = flows > 0
    src = np.concatenate([tails[fwd], heads[bwd]])
    dst = np.concatenate([heads[fwd], tails[bwd]])
    w = np.concatenate([costs[fwd], -costs[bwd]])
    dist = np.zeros(n_nodes, np.int64)
    if dst.size == 0:
        return dist
    order = np.argsort(dst, kind="stable")
    src, dst, w = src[order], dst[order], w[order]
    starts = np.flatnonzero(np.r_[True, dst[1:] != dst[:-1]])
    targets = dst[starts]
    for _ in range(n_nodes + 1):
        best = np.minimum.reduceat(dist[src] + w, starts)
        improved = best < dist[targets]
        if not improved.any():
            return dist
        dist[targets[improved]] = best[improved]
    raise ArithmeticError("negative cycle in an optimal residual network")
