"""Exact fast path without side constraints: shortest augmenting paths on candidate edges, priced.

Solving on all edges is slow at scale (14 M edges at 10,000 items), so the assignment
is solved on each item's cheapest edges first (:mod:`matcher.assignment.ssp` on a few, OR-Tools'
min-cost flow with recovered duals, :mod:`matcher.assignment.flow`, on many). Its optimal duals, a
value per item and a price per option, then price every other edge in one compiled pass
(:mod:`matcher.assignment.pricing`): an edge with negative reduced cost ``cost + price - value`` is
added (each item's most negative few) and the assignment re-solved. When none is left the candidate
optimum is optimal for the whole problem (LP duality), and the duals prove it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from matcher.assignment.auction import auction_prices
from matcher.assignment.core import Core
from matcher.assignment.flow import assign_flow
from matcher.assignment.pricing import (
    cheapest_k,
    item_minimum,
    near_or_cheapest,
    reduced_costs,
    used_edges,
    violations,
)
from matcher.assignment.problem import BoolArray
from matcher.assignment.result import EngineResult, SolveStats, Status
from matcher.assignment.ssp import FORBIDDEN, assign_csr

#: Per pricing round, each item gains at most this many of its most negative edges.
ADD_PER_ITEM = 16
#: From this many candidate edges on, OR-Tools' min-cost flow solves the candidates (SSP below).
FLOW_EDGES = 20_000
#: Auction bid increment, as a share of the median cost of leaving an item unassigned (what sets
#: the prices of contested options): coarse enough for one fast pass, fine enough for candidates.
#: At 10,000 items of 28 % density, 1/200 put some 360 edges an item within the near steps below
#: (3.6 M candidates, 17-22 s a converged dual evaluation); 1/1000 some 35 (6-11 s).
AUCTION_STEP = 1 / 1000
#: First candidates include every edge within this many bid increments of its item's best.
NEAR_STEPS = 3


def cheapest_per_item(
    core: Core, costs: NDArray[np.generic], k: int, among: BoolArray | None = None
) -> BoolArray:
    """Mask of each item's ``k`` cheapest edges under ``costs`` (only ``among`` them, if given)."""
    return cheapest_k(core.indptr, costs, k, among)


@dataclass(frozen=True)
class Priced:
    """An assignment under some edge costs, with a proven lower bound: not a solve result, but the
    step both the network path and the dual's evaluations are made of.

    ``bound`` is a Lagrangian bound over *all* edges (option capacities priced by the duals), valid
    whether or not pricing converged; ``reduced[e] >= 0`` and, for any feasible selection ``x``,
    ``cost(x) >= bound + sum(reduced[e] x[e])``, which lets callers drop edges that cannot pay off.
    When ``converged``, ``bound`` equals the assignment's cost: it is optimal.
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
    keep_going: Callable[[], bool] | None = None,
) -> Priced:
    """Min-cost assignment under ``cost`` (option capacities only), grown from ``cand`` by pricing.

    ``cand`` is updated in place with the edges pricing added, so later calls start from it.
    Stops after ``max_rounds`` solves, at ``deadline`` (``time.perf_counter()``) or when
    ``keep_going()`` (asked once per round) says so, with a valid bound.
    """
    rounds = 0
    n = core.n_items
    leave = np.where(core.must_assign, FORBIDDEN, unassigned)
    capacity = np.minimum(core.option_capacity, n)
    while True:
        rounds += 1
        edges = np.flatnonzero(cand)
        indptr = np.searchsorted(core.edge_item[edges], np.arange(n + 1))
        feasible, option_of, value, price = assign_candidates(
            indptr, core.edge_option[edges], cost[edges], leave, capacity
        )
        if not feasible:
            if cand.all():
                empty = np.zeros(core.n_edges, np.int64)
                return Priced(False, np.zeros(core.n_edges, bool), 0, 0, empty, rounds, True)
            cand[:] = True
            continue
        found, add = violations(core.indptr, core.edge_option, cost, price, value, cand, ADD_PER_ITEM)
        converged = found == 0
        stop = rounds >= max_rounds or time.perf_counter() >= deadline
        if converged or stop or (keep_going is not None and not keep_going()):
            used = used_edges(core.indptr, core.edge_option, option_of)
            objective = int(cost[used].sum() + unassigned[option_of < 0].sum())
            bound, reduced = _lagrangian(core, cost, unassigned, price)
            return Priced(True, used, objective, bound, reduced, rounds, converged)
        cand |= add


def assign_candidates(
    indptr: NDArray[np.int64],
    option: NDArray[np.int64],
    cost: NDArray[np.int64],
    leave: NDArray[np.int64],
    capacity: NDArray[np.int64],
) -> tuple[bool, NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """:func:`assign_csr`'s answer: by min-cost flow on many candidates, where it is faster, by
    SSP on few or whenever the flow's duals could not be recovered and certified."""
    if option.size >= FLOW_EDGES:
        solved = assign_flow(indptr, option, cost, leave, capacity, int(FORBIDDEN))
        if solved is not None:
            return solved
    return assign_csr(indptr, option, cost, leave, capacity)


def _lagrangian(
    core: Core, cost: NDArray[np.int64], unassigned: NDArray[np.int64], price: NDArray[np.int64]
) -> tuple[int, NDArray[np.int64]]:
    """Relax option capacities at ``price >= 0``: items then pick their cheapest priced edge."""
    best = item_minimum(
        core.indptr, core.edge_option, cost, price, np.where(core.must_assign, FORBIDDEN, unassigned)
    )
    finite = core.option_capacity < core.n_items
    bound = int(best.sum() - price[finite] @ np.minimum(core.option_capacity[finite], core.n_items))
    return bound, reduced_costs(core.indptr, core.edge_option, cost, price, best)


def first_candidates(
    core: Core,
    cost: NDArray[np.int64],
    unassigned: NDArray[np.int64],
    k: int,
    near_steps: int = NEAR_STEPS,
) -> BoolArray:
    """Each item's ``k`` cheapest edges, under auction prices where options hold one item each,
    plus every edge within ``near_steps`` bid increments of its item's best: the items that set an
    option's price must be there for the candidates' duals to be the whole problem's."""
    if core.n_edges and (core.option_capacity <= 1).all():
        leave = np.where(core.must_assign, FORBIDDEN, unassigned)
        eps = max(1, int(np.median(unassigned) * AUCTION_STEP)) if unassigned.size else 1
        price = auction_prices(core.indptr, core.edge_option, cost, leave, core.n_options, eps)
        return near_or_cheapest(core.indptr, core.edge_option, cost, price, leave, k, near_steps * eps)
    return cheapest_per_item(core, cost, k)


def solve_network(
    core: Core, k: int = 8, deadline: float = math.inf, keep_going: Callable[[], bool] | None = None
) -> EngineResult:
    """Optimal assignment of ``core`` (which must have no side constraints) by priced assignment;
    stopped early (``deadline``, ``keep_going``), the answer is feasible with a proven bound."""
    cand = first_candidates(core, core.edge_cost, core.unassigned_cost, k)
    res = assign_priced(
        core, core.edge_cost, core.unassigned_cost, cand, deadline=deadline, keep_going=keep_going
    )
    stats = SolveStats(rounds=res.rounds, candidates=int(cand.sum()))
    if not res.feasible:
        why = "the items that must be assigned cannot all get an option"
        return EngineResult(Status.INFEASIBLE, res.used, None, math.inf, why, stats)
    objective = core.objective(res.used)
    bound = res.bound + core.fixed_cost
    status = Status.OPTIMAL if res.converged or bound >= objective else Status.FEASIBLE
    return EngineResult(status, res.used, objective, min(bound, objective), stats=stats)
