"""Relax, bound, fix, then solve exactly: the path for problems with side constraints.

1. **Relax.** The LP relaxation is solved (HiGHS, through scipy) on each item's cheapest edges; its
   duals price every other edge and edges with negative reduced cost join, until none is left.
   With few side constraints the LP is nearly integral (at most about one fractional item per binding
   constraint), so its bound is strong.
2. **Bound.** Whatever the LP did, a valid lower bound is recomputed over *all* edges from its duals
   (a Lagrangian relaxation of option and side constraints: items then decouple), so the bound is
   proven even if pricing stopped early.
3. **Incumbent.** Integral LP edges are kept and the rest completed greedily.
4. **Fix.** An edge whose reduced cost exceeds ``incumbent - bound`` cannot be in any better
   solution and is dropped; usually only a few percent of the edges survive.
5. **Solve.** CP-SAT on the surviving edges, hinted with the incumbent: its optimum there is the
   optimum of the whole problem, and its bound a bound for the whole problem.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.optimize import linprog

from matcher.assignment.core import Core
from matcher.assignment.cpsat import solve_cpsat
from matcher.assignment.greedy import greedy
from matcher.assignment.network import cheapest_per_item
from matcher.assignment.problem import UNBOUNDED, BoolArray
from matcher.assignment.result import Status

FloatArray = NDArray[np.float64]
_TOL = 1e-7


@dataclass(frozen=True)
class Duals:
    """Non-positive multipliers of option rows (``option``) and of constraint rows (``upper`` for
    ``A x <= upper``, ``lower`` for ``-A x <= -lower``)."""

    option: FloatArray
    upper: FloatArray
    lower: FloatArray
    item: FloatArray  #: LP duals of the item rows, used for pricing only


@dataclass
class RelaxOutcome:
    status: Status
    used: BoolArray
    objective: int | None
    bound: float
    conflict: str | None = None
    stats: dict[str, float] = field(default_factory=dict)


def lagrangian_costs(core: Core, duals: Duals) -> FloatArray:
    """Edge costs with option and side constraints priced in: ``c - v_j - A^T(y_up - y_low)``."""
    priced = core.cost - duals.option[core.option]
    if core.n_constraints:
        priced = priced - core.matrix.T @ (duals.upper - duals.lower)
    return np.asarray(priced, dtype=np.float64)


def lagrangian_bound(core: Core, duals: Duals) -> tuple[float, FloatArray]:
    """A proven lower bound for any non-positive duals, and each edge's reduced cost against it.

    Relaxing option and side constraints leaves each item to pick its cheapest priced edge (or to
    stay unassigned), so the bound is exact arithmetic over all edges, not an LP claim.
    """
    priced = lagrangian_costs(core, duals)
    best = np.where(core.must, np.inf, core.unassigned.astype(np.float64))
    np.minimum.at(best, core.item, priced)
    finite_cap = core.capacity < core.n_items
    constant = (
        core.fixed_cost
        + float(duals.option[finite_cap] @ core.capacity[finite_cap])
        + float(duals.upper @ np.where(core.upper >= UNBOUNDED, 0, core.upper))
        - float(duals.lower @ core.lower)
    )
    return constant + float(best.sum()), priced - best[core.item]


def solve_relaxed(
    core: Core,
    *,
    time_limit: float,
    workers: int,
    seed: int,
    candidates: int = 10,
    max_rounds: int = 40,
) -> RelaxOutcome:
    start = time.perf_counter()
    stats: dict[str, float] = {"edges": float(core.n_edges)}
    cand = cheapest_per_item(core, core.cost, candidates)
    k = core.n_constraints
    duals = Duals(np.zeros(core.n_options), np.zeros(k), np.zeros(k), np.zeros(core.n_items))
    x_lp = np.zeros(core.n_edges)
    rounds = 0
    while rounds < max_rounds:
        rounds += 1
        lp = _solve_lp(core, cand)
        if lp is None:
            break
        x_lp, duals = lp
        reduced = lagrangian_costs(core, duals) - duals.item[core.item]
        add = (reduced < -_TOL * (1 + np.abs(core.cost))) & ~cand
        if not add.any() or time.perf_counter() - start > 0.5 * time_limit:
            break
        cand |= _most_negative_per_item(core, reduced, add, 10)
    stats.update(lp_rounds=float(rounds), lp_columns=float(cand.sum()))
    stats["lp_seconds"] = time.perf_counter() - start
    bound, reduced = lagrangian_bound(core, duals)
    integral_costs = True  # costs are integers by construction
    if integral_costs and math.isfinite(bound):
        bound = math.ceil(bound - 1e-6 * max(1.0, abs(bound)))
    stats["lp_bound"] = bound

    incumbent = greedy(core, _lp_order(core, x_lp), start=_integral(core, x_lp), allowed=cand)
    if incumbent is None:
        incumbent = greedy(core, _lp_order(core, x_lp), start=_integral(core, x_lp))
    keep = np.ones(core.n_edges, bool)
    if incumbent is not None:
        ub = core.objective(incumbent)
        stats["incumbent"] = float(ub)
        if ub <= bound:
            stats["fixed_edges"] = float(incumbent.sum())
            return RelaxOutcome(Status.OPTIMAL, incumbent, ub, float(ub), stats=stats)
        # Better solutions (cost <= ub - 1) use only edges with reduced cost <= ub - 1 - bound.
        keep = (reduced <= (ub - 1 - bound) + 1e-6 * max(1.0, abs(ub))) | incumbent
    stats["fixed_edges"] = float(keep.sum())
    left = time_limit - (time.perf_counter() - start)
    exact = solve_cpsat(core, keep, hint=incumbent, time_limit=left, workers=workers, seed=seed)
    stats["cpsat_seconds"] = time.perf_counter() - start - stats["lp_seconds"]
    if exact.status is Status.INFEASIBLE:
        return RelaxOutcome(Status.INFEASIBLE, exact.used, None, math.inf, exact.conflict, stats)
    if exact.objective is None:
        if incumbent is None:
            return RelaxOutcome(Status.UNKNOWN, exact.used, None, bound, stats=stats)
        ub = core.objective(incumbent)
        return RelaxOutcome(Status.FEASIBLE, incumbent, ub, bound, stats=stats)
    used, objective = exact.used, exact.objective
    if incumbent is not None and core.objective(incumbent) < objective:
        used, objective = incumbent, core.objective(incumbent)
    best = min(max(bound, exact.bound), objective)
    status = Status.OPTIMAL if best >= objective else Status.FEASIBLE
    return RelaxOutcome(status, used, objective, best, stats=stats)


def _solve_lp(core: Core, cand: BoolArray) -> tuple[FloatArray, Duals] | None:
    """The LP relaxation restricted to ``cand``: primal values over all edges, and its duals."""
    idx = np.flatnonzero(cand)
    n, e = core.n_items, idx.size
    items = core.item[idx]
    # columns: candidate edges, then one "unassigned" column per item (artificial for must items)
    big = float(max(1, int(core.cost.max(initial=0)), int(core.unassigned.max(initial=0)))) * (n + 1)
    slack_cost = np.where(core.must, big, core.unassigned).astype(np.float64)
    cost = np.concatenate([core.cost[idx].astype(np.float64), slack_cost])
    a_eq = sp.csr_matrix(
        (np.ones(e + n), (np.concatenate([items, np.arange(n)]), np.arange(e + n))), shape=(n, e + n)
    )
    options = core.option[idx]
    load = np.bincount(options, minlength=core.n_options)
    rows_opt = np.flatnonzero((core.capacity < load))
    opt_row = np.full(core.n_options, -1)
    opt_row[rows_opt] = np.arange(rows_opt.size)
    sel = opt_row[options] >= 0
    a_opt = sp.csr_matrix(
        (np.ones(sel.sum()), (opt_row[options[sel]], np.flatnonzero(sel))), shape=(rows_opt.size, e + n)
    )
    sub = sp.hstack([core.matrix[:, idx], sp.csr_matrix((core.n_constraints, n))]).tocsr()
    has_up = core.upper < UNBOUNDED
    has_low = core.lower > 0
    a_ub = sp.vstack([a_opt, sub[has_up], -sub[has_low]]).tocsr()
    b_ub = np.concatenate(
        [core.capacity[rows_opt], core.upper[has_up], -core.lower[has_low]]
    ).astype(np.float64)
    res = linprog(
        cost,
        A_ub=a_ub if a_ub.shape[0] else None,
        b_ub=b_ub if a_ub.shape[0] else None,
        A_eq=a_eq,
        b_eq=np.ones(n),
        bounds=(0, None),
        method="highs-ds",
    )
    if res.status != 0:
        return None
    x = np.zeros(core.n_edges)
    x[idx] = res.x[:e]
    marg = np.minimum(np.asarray(res.ineqlin.marginals) if a_ub.shape[0] else np.zeros(0), 0.0)
    option = np.zeros(core.n_options)
    option[rows_opt] = marg[: rows_opt.size]
    upper = np.zeros(core.n_constraints)
    upper[has_up] = marg[rows_opt.size : rows_opt.size + has_up.sum()]
    lower = np.zeros(core.n_constraints)
    lower[has_low] = marg[rows_opt.size + has_up.sum() :]
    return x, Duals(option, upper, lower, np.asarray(res.eqlin.marginals, dtype=np.float64))


def _most_negative_per_item(core: Core, reduced: FloatArray, add: BoolArray, k: int) -> BoolArray:
    idx = np.flatnonzero(add)
    order = np.lexsort((reduced[idx], core.item[idx]))
    items = core.item[idx][order]
    starts = np.flatnonzero(np.r_[True, items[1:] != items[:-1]])
    rank = np.arange(order.size) - np.repeat(starts, np.diff(np.r_[starts, order.size]))
    out = np.zeros(core.n_edges, bool)
    out[idx[order[rank < k]]] = True
    return out


def _integral(core: Core, x: FloatArray) -> BoolArray:
    return x > 1 - 1e-6


def _lp_order(core: Core, x: FloatArray) -> NDArray[np.int64]:
    """Items with the most LP weight on an edge first; among equals, the dearest to leave out."""
    mass = np.zeros(core.n_items)
    np.maximum.at(mass, core.item, x)
    return np.lexsort((-core.unassigned, -mass)).astype(np.int64)
