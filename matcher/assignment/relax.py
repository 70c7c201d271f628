"""Relax, bound, repair, fix, then solve exactly: the path for problems with side constraints.

Only a few constraints (support zones, quotas) link items, so they are *relaxed*: each gets a
multiplier (a price per unit of weight) and what is left is an assignment problem, solved exactly by
the priced network path (:func:`matcher.assignment.network.assign_priced`).

1. **Bound.** For multipliers ``mu >= 0`` the relaxed optimum ``L(mu)`` is a proven lower bound.
   ``L`` is concave and piecewise linear in a handful of variables; a box-stabilised cutting-plane
   (bundle) method maximises it in a few dozen network solves. At its maximum ``L`` equals the LP
   bound, which with few linking constraints is within a hair of the integer optimum.
2. **Incumbent.** Each relaxed solution is repaired: over-full constraints shed their cheapest-to-
   lose items, then unassigned items take their cheapest edge that fits (:func:`greedy`).
3. **Fix.** The assignment's duals give every edge a reduced cost ``r`` with
   ``cost(x) >= L(mu) + sum(r_e x_e)`` for every feasible ``x``; an edge with
   ``L(mu) + r_e > incumbent - 1`` cannot be in a better solution (costs are integers) and is
   dropped. Usually a few percent of the edges survive.
4. **Solve.** A MIP (HiGHS) first on the edges nearest the relaxation, where an optimal solution
   usually lies, then on all surviving edges. Their optimum there is the optimum of the whole
   problem, and the MIP's bound a bound for the whole problem. (CP-SAT, hinted, reached the same
   optima but loading tens of thousands of variables through its Python API took longer than
   HiGHS needed to solve.)
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from matcher.assignment.core import Core
from matcher.assignment.cpsat import explain_infeasible
from matcher.assignment.dual import SCALE, maximise_dual
from matcher.assignment.greedy import greedy
from matcher.assignment.mip import solve_mip
from matcher.assignment.network import cheapest_per_item, first_candidates
from matcher.assignment.problem import BoolArray
from matcher.assignment.result import Status

#: Neighbourhood MIPs take the edges whose Lagrangian bound lies within this share of the gap.
NEAR_GAP_SHARES = (0.0, 0.2)
MIP_EDGES_PER_SECOND = 8_000
#: Share of the time limit spent on the bound (the candidate set carries over between updates).
BOUND_SHARE = 0.4
#: Repair a relaxed solution into an incumbent every few multiplier updates (and the last one):
#: a repair costs about as much as an assignment, and neighbouring multipliers repair alike.
REPAIR_EVERY = 4


@dataclass
class RelaxOutcome:
    status: Status
    used: BoolArray
    objective: int | None
    bound: float
    conflict: str | None = None
    stats: dict[str, float] = field(default_factory=dict)


def solve_relaxed(
    core: Core,
    *,
    time_limit: float,
    workers: int,
    seed: int,
    candidates: int = 10,
    max_iterations: int = 60,
    gap_limit: float = 0.0,
) -> RelaxOutcome:
    start = time.perf_counter()
    stats: dict[str, float] = {"edges": float(core.n_edges)}
    cand = first_candidates(core, core.cost * SCALE, core.unassigned * SCALE, candidates)
    best_ub: float = math.inf
    incumbent: BoolArray | None = None
    solutions = 0
    last: tuple[BoolArray, NDArray[np.int64]] | None = None

    def repair(used: BoolArray, priced: NDArray[np.int64]) -> None:
        nonlocal solutions, best_ub, incumbent, last
        solutions += 1
        last = (used, priced)
        if solutions % REPAIR_EVERY == 1:
            best_ub, incumbent = _better(core, _repair(core, used, priced), best_ub, incumbent)
            last = None

    def target() -> float:
        return best_ub - gap_limit * abs(best_ub) if math.isfinite(best_ub) else best_ub

    dual = maximise_dual(
        core,
        cand,
        deadline=start + BOUND_SHARE * time_limit,
        on_solution=repair,
        target=target,
        max_evaluations=max_iterations,
    )
    if last is not None:
        best_ub, incumbent = _better(core, _repair(core, *last), best_ub, incumbent)
    stats.update(iterations=float(dual.evaluations), candidates=float(cand.sum()))
    stats["bound_seconds"] = time.perf_counter() - start
    bound = math.ceil(dual.bound - 1e-9) if math.isfinite(dual.bound) else dual.bound
    stats["lagrangian_bound"] = float(bound)
    if incumbent is None:
        incumbent = greedy(core, np.argsort(-core.unassigned, kind="stable"))
        if incumbent is not None:
            best_ub = core.objective(incumbent)
    if incumbent is None:
        # no feasible start: the exact engine works on every edge, or proves infeasibility
        every = np.ones(core.n_edges, bool)
        return _finish(core, every, None, bound, start, time_limit, gap_limit, stats)
    # With few linking constraints the LP bound is usually the optimum, and an optimal solution
    # then uses only edges whose Lagrangian bound is at most the bound: a MIP on those few edges
    # meets the bound at once. Otherwise it tightens the incumbent, and a wider ring is tried.
    for share in NEAR_GAP_SHARES:
        if best_ub <= bound or (best_ub - bound) <= gap_limit * abs(best_ub):
            break
        near = (dual.edge_bound <= bound + share * (best_ub - bound) + 1e-6) | incumbent
        left = time_limit - (time.perf_counter() - start)
        room = _mip_capacity(0.5 * left)
        if near.sum() > room:
            # too many ties for the MIP in the time left: each item's best few of them
            per_item = int(room // max(1, core.n_items))
            if per_item < 2:
                break
            near = cheapest_per_item(core, dual.edge_bound, per_item, among=near) | incumbent
        local = solve_mip(core, near, time_limit=0.5 * left, gap_limit=gap_limit)
        stats["near_edges"] = float(near.sum())
        if local.objective is not None and local.objective < best_ub:
            incumbent, best_ub = local.used, local.objective
    stats["incumbent"] = float(best_ub)
    if best_ub <= bound or (best_ub - bound) <= gap_limit * abs(best_ub):
        status = Status.OPTIMAL if best_ub <= bound else Status.FEASIBLE
        stats["kept_edges"] = float(incumbent.sum())
        return RelaxOutcome(status, incumbent, int(best_ub), float(min(bound, best_ub)), stats=stats)
    keep = (dual.edge_bound <= best_ub - 1 + 1e-9) | incumbent
    stats["kept_edges"] = float(keep.sum())
    if keep.sum() > _mip_capacity(time_limit - (time.perf_counter() - start)):
        # too many edges survive to prove optimality in the time left: report the proven gap
        return RelaxOutcome(Status.FEASIBLE, incumbent, int(best_ub), float(bound), stats=stats)
    return _finish(core, keep, incumbent, bound, start, time_limit, gap_limit, stats)


def _mip_capacity(seconds_left: float) -> float:
    """How many edges the exact MIP may take on: HiGHS needs ~5 s per 100k edges here, and it
    checks its time limit only between phases, so a model too large would overrun the limit."""
    return MIP_EDGES_PER_SECOND * max(0.0, seconds_left)


def _finish(
    core: Core,
    keep: BoolArray,
    incumbent: BoolArray | None,
    bound: float,
    start: float,
    time_limit: float,
    gap_limit: float,
    stats: dict[str, float],
) -> RelaxOutcome:
    """Solve exactly over the kept edges; their optimum is the whole problem's optimum."""
    left = time_limit - (time.perf_counter() - start)
    exact = solve_mip(core, keep, time_limit=left, gap_limit=gap_limit)
    stats["exact_seconds"] = time.perf_counter() - start - stats["bound_seconds"]
    if exact.status is Status.INFEASIBLE:
        if incumbent is not None:
            raise ArithmeticError("the exact stage lost a known feasible solution")
        why = explain_infeasible(core, keep, max(1.0, time_limit - (time.perf_counter() - start)), 0)
        return RelaxOutcome(Status.INFEASIBLE, exact.used, None, math.inf, why, stats)
    best_ub = math.inf if incumbent is None else core.objective(incumbent)
    if exact.objective is None:
        if incumbent is None:
            return RelaxOutcome(Status.UNKNOWN, exact.used, None, bound, stats=stats)
        return RelaxOutcome(Status.FEASIBLE, incumbent, int(best_ub), bound, stats=stats)
    used, objective = exact.used, exact.objective
    if incumbent is not None and best_ub < objective:
        used, objective = incumbent, int(best_ub)
    best = max(bound, exact.bound)
    best = min(math.ceil(best - 1e-6 * max(1.0, abs(best))), objective)  # integer costs
    status = Status.OPTIMAL if best >= objective else Status.FEASIBLE
    return RelaxOutcome(status, used, objective, best, stats=stats)


def _better(
    core: Core, candidate: BoolArray | None, best_ub: float, incumbent: BoolArray | None
) -> tuple[float, BoolArray | None]:
    if candidate is not None and core.objective(candidate) < best_ub:
        return core.objective(candidate), candidate
    return best_ub, incumbent


def _repair(core: Core, used: BoolArray, priced: NDArray[np.int64]) -> BoolArray | None:
    """Make a relaxed solution feasible: shed load from over-full rows, then fill greedily."""
    used = used.copy()
    if core.n_constraints:
        csr = core.matrix
        load = csr @ used.astype(np.int64)
        for k in np.flatnonzero(load > core.upper).tolist():
            lo, hi = csr.indptr[k], csr.indptr[k + 1]
            edges, w = csr.indices[lo:hi], csr.data[lo:hi]
            on = used[edges]
            edges, w = edges[on], w[on]
            # drop first the items that lose least per unit of weight by leaving
            loss = (core.unassigned[core.item[edges]] - core.cost[edges]) / np.maximum(w, 1)
            excess = load[k] - core.upper[k]
            order = np.argsort(loss, kind="stable")
            for e, we in zip(edges[order].tolist(), w[order].tolist(), strict=True):
                if excess <= 0:
                    break
                used[e] = False
                excess -= we
            load = csr @ used.astype(np.int64)
    order = np.argsort(-core.unassigned, kind="stable")
    return greedy(core, order, start=used, rank=priced)
