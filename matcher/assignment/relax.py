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
from scipy.optimize import linprog

from matcher.assignment.core import Core
from matcher.assignment.cpsat import explain_infeasible
from matcher.assignment.greedy import greedy
from matcher.assignment.mip import solve_mip
from matcher.assignment.network import assign_priced, cheapest_per_item, first_candidates
from matcher.assignment.problem import UNBOUNDED, BoolArray
from matcher.assignment.result import Status

FloatArray = NDArray[np.float64]
#: Multipliers live on a grid of 1/SCALE cost points so that priced costs stay integers.
SCALE = 8
#: Neighbourhood MIPs take the edges whose Lagrangian bound lies within this share of the gap.
NEAR_GAP_SHARES = (0.0, 0.2)
MIP_EDGES_PER_SECOND = 8_000
#: Share of the time limit spent on the bound; flows per multiplier update (the candidate set
#: carries over, so pricing converges across updates; every bound is valid anyway).
BOUND_SHARE = 0.4
PRICING_ROUNDS = 3
STALL_ITERATIONS = 10
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


@dataclass
class _Dual:
    """What the bundle method has learnt: cuts, the best bound and a per-edge fixing bound."""

    mult: list[FloatArray] = field(default_factory=list)
    value: list[float] = field(default_factory=list)
    grad: list[FloatArray] = field(default_factory=list)
    best: float = -math.inf
    edge_bound: FloatArray | None = None  #: max over iterations of L(mu) + reduced cost


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
    rows, sign, bound_rhs = _relaxed_rows(core)
    weights = core.matrix[rows].T.tocsr() if rows.size else None  # E x R
    cand = first_candidates(core, core.cost * SCALE, core.unassigned * SCALE, candidates)
    dual = _Dual(edge_bound=np.full(core.n_edges, -np.inf))
    incumbent: BoolArray | None = None
    best_ub = math.inf
    center = np.zeros(rows.size)
    center_value = -math.inf
    box = _initial_box(core)
    mult = center.copy()
    last: tuple[BoolArray, NDArray[np.int64]] | None = None
    for it in range(max_iterations):
        scaled = np.rint(mult * SCALE).astype(np.int64)
        cost = core.cost * SCALE
        if weights is not None and scaled.any():
            cost = cost + weights @ (sign * scaled)
        bound_deadline = start + BOUND_SHARE * time_limit
        res = assign_priced(
            core,
            cost,
            core.unassigned * SCALE,
            cand,
            max_rounds=PRICING_ROUNDS if it else 1_000,
            deadline=bound_deadline,
        )
        if not res.feasible:
            break
        load = core.matrix[rows] @ res.used.astype(np.int64) if rows.size else np.zeros(0)
        value = (res.bound - float(scaled @ bound_rhs)) / SCALE + core.fixed_cost
        grad = sign * load - bound_rhs if rows.size else np.zeros(0)
        dual.mult.append(mult.copy())
        dual.value.append(value)
        dual.grad.append(grad.astype(np.float64))
        dual.best = max(dual.best, value)
        assert dual.edge_bound is not None
        np.maximum(dual.edge_bound, value + res.reduced / SCALE, out=dual.edge_bound)
        last = (res.used, cost)
        if it % REPAIR_EVERY == 0:
            incumbent, best_ub = _better(core, _repair(core, *last), incumbent, best_ub)
            last = None
        if value > center_value + 1e-9:
            if it:
                box *= 2.0
            center, center_value = mult.copy(), value
        else:
            box *= 0.5
        if len(dual.value) > STALL_ITERATIONS:
            gained = dual.best - max(dual.value[:-STALL_ITERATIONS])
            if gained < max(1.0, 1e-7 * abs(dual.best)):
                break  # under a point gained for a while: costs are integers, the rest is the MIP's
        lower = math.ceil(dual.best - 1e-9)
        if lower >= best_ub or (best_ub - lower) <= gap_limit * abs(best_ub):
            break
        if time.perf_counter() > bound_deadline or not rows.size:
            break
        nxt = _next_multipliers(dual, center, box)
        if nxt is None:
            break
        mult, predicted = nxt
        if res.converged and predicted - center_value < 1e-6 * max(1.0, abs(center_value)) / SCALE:
            break
    if last is not None:
        incumbent, best_ub = _better(core, _repair(core, *last), incumbent, best_ub)
    stats.update(iterations=float(len(dual.value)), candidates=float(cand.sum()))
    stats["bound_seconds"] = time.perf_counter() - start
    bound = math.ceil(dual.best - 1e-9) if math.isfinite(dual.best) else dual.best
    stats["lagrangian_bound"] = float(bound)
    if incumbent is None:
        incumbent = greedy(core, np.argsort(-core.unassigned, kind="stable"))
        if incumbent is not None:
            best_ub = core.objective(incumbent)
    if incumbent is None:
        # no feasible start: the exact engine works on every edge, or proves infeasibility
        every = np.ones(core.n_edges, bool)
        return _finish(core, every, None, bound, start, time_limit, gap_limit, stats)
    assert dual.edge_bound is not None
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


def _relaxed_rows(core: Core) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Each bounded side of each constraint as a row ``sign * A_k x <= rhs``."""
    up = np.flatnonzero(core.upper < UNBOUNDED)
    low = np.flatnonzero(core.lower > 0)
    rows = np.concatenate([up, low])
    sign = np.concatenate([np.ones(up.size, np.int64), -np.ones(low.size, np.int64)])
    rhs = np.concatenate([core.upper[up], -core.lower[low]])
    return rows, sign, rhs


def _initial_box(core: Core) -> float:
    """Trust-region half-width: about what one item's choice is worth per unit of weight; where
    items may stay unassigned, a binding constraint can be worth an item's unassigned cost."""
    scale = float(max(np.percentile(core.cost, 90) if core.n_edges else 1.0, 1.0))
    if (~core.must).any():
        scale = max(scale, float(np.median(core.unassigned[~core.must])))
    weight = float(core.matrix.data.max(initial=1))
    return max(1.0, scale / weight)


def _next_multipliers(dual: _Dual, center: FloatArray, box: float) -> tuple[FloatArray, float] | None:
    """Maximise the cutting-plane model of ``L`` within ``center +- box`` (and ``mu >= 0``)."""
    k = center.size
    # variables: mu (k), theta; maximise theta  <=>  minimise -theta
    c = np.zeros(k + 1)
    c[-1] = -1.0
    a = np.array([np.r_[-g, 1.0] for g in dual.grad])
    b = np.array([v - g @ m for v, g, m in zip(dual.value, dual.grad, dual.mult, strict=True)])
    bounds = [(max(0.0, x - box), x + box) for x in center] + [(None, None)]
    res = linprog(c, A_ub=a, b_ub=b, bounds=bounds, method="highs")
    if res.status != 0:
        return None
    return np.maximum(res.x[:k], 0.0), float(-res.fun)


def _better(
    core: Core, candidate: BoolArray | None, incumbent: BoolArray | None, best_ub: float
) -> tuple[BoolArray | None, float]:
    if candidate is not None and core.objective(candidate) < best_ub:
        return candidate, core.objective(candidate)
    return incumbent, best_ub


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
