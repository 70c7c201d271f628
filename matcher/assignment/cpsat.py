"""CP-SAT on a subset of the edges, hinted with a known solution.

Used three ways: on the few edges left after reduced-cost fixing (the exact end of the relaxation
path), on every edge as the plain model a newcomer would write (``method="cpsat"``, a baseline), and,
with one guard literal per constraint, to name the constraints behind an infeasibility.
"""

from __future__ import annotations

import numpy as np
from ortools.sat.python import cp_model

from matcher.assignment.core import Core
from matcher.assignment.problem import UNBOUNDED, BoolArray, IntArray
from matcher.assignment.result import EngineResult, Status

_STATUS = {
    cp_model.OPTIMAL: Status.OPTIMAL,
    cp_model.FEASIBLE: Status.FEASIBLE,
    cp_model.INFEASIBLE: Status.INFEASIBLE,
}


def solve_cpsat(
    core: Core,
    edges: BoolArray,
    *,
    hint: BoolArray | None = None,
    time_limit: float,
    workers: int,
    seed: int,
    gap_limit: float = 0.0,
    explain: bool = True,
) -> EngineResult:
    """Optimise over the ``edges`` mask. The objective includes pins and unassigned costs."""
    idx = np.flatnonzero(edges)
    missing = np.flatnonzero(core.must_assign & ~np.isin(np.arange(core.n_items), core.edge_item[idx]))
    if missing.size:
        return EngineResult(
            Status.INFEASIBLE,
            np.zeros(core.n_edges, bool),
            None,
            float("inf"),
            f"item {missing[0]} must be assigned but has no edge",
        )
    model, x, _ = _build(core, idx, guarded=False)
    if hint is not None:
        for var, e in zip(x, idx.tolist(), strict=True):
            model.add_hint(var, bool(hint[e]))
    solver = _solver(time_limit, workers, seed)
    solver.parameters.relative_gap_limit = gap_limit
    status = _STATUS.get(solver.solve(model), Status.UNKNOWN)
    used = np.zeros(core.n_edges, bool)
    if status in (Status.OPTIMAL, Status.FEASIBLE):
        vals = np.fromiter((solver.boolean_value(v) for v in x), bool, count=len(x))
        used[idx[vals]] = True
        return EngineResult(status, used, core.objective(used), float(solver.best_objective_bound))
    if status is Status.INFEASIBLE:
        why = explain_infeasible(core, edges, time_limit, seed) if explain else None
        return EngineResult(status, used, None, float("inf"), why)
    return EngineResult(status, used, None, float("-inf"))


def explain_infeasible(core: Core, edges: BoolArray, time_limit: float, seed: int) -> str:
    """Name a set of constraints that cannot hold together (CP-SAT's assumption core)."""
    idx = np.flatnonzero(edges)
    model, _, guards = _build(core, idx, guarded=True)
    model.add_assumptions(list(guards.values()))
    solver = _solver(time_limit, 1, seed)
    if solver.solve(model) != cp_model.INFEASIBLE:
        return "no assignment satisfies all constraints"
    names = {v.index: n for n, v in guards.items()}
    found = [names[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in names]
    return "conflicting constraints: " + ", ".join(sorted(found))


def _solver(time_limit: float, workers: int, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, time_limit)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    return solver


def _build(
    core: Core, idx: IntArray, *, guarded: bool
) -> tuple[cp_model.CpModel, list[cp_model.IntVar], dict[str, cp_model.IntVar]]:
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{e}") for e in idx.tolist()]
    items = core.edge_item[idx]
    by_item: dict[int, list[cp_model.IntVar]] = {}
    by_option: dict[int, list[cp_model.IntVar]] = {}
    for var, i, j in zip(x, items.tolist(), core.edge_option[idx].tolist(), strict=True):
        by_item.setdefault(i, []).append(var)
        by_option.setdefault(j, []).append(var)
    guards: dict[str, cp_model.IntVar] = {}

    def enforce(ct: cp_model.Constraint, name: str) -> None:
        if guarded:
            guards[name] = model.new_bool_var(name)
            ct.only_enforce_if(guards[name])

    for i, vs in by_item.items():
        if core.must_assign[i]:
            enforce(model.add(sum(vs) == 1), f"item {i} must be assigned")
        else:
            model.add_at_most_one(vs)
    for j, vs in by_option.items():
        cap = int(core.option_capacity[j])
        if cap < len(vs):
            enforce(model.add(sum(vs) <= cap), f"capacity of option {j}")
    sub = core.constraint_matrix[:, idx].tocsr()
    for k in range(core.n_constraints):
        lo, hi = sub.indptr[k], sub.indptr[k + 1]
        expr = cp_model.LinearExpr.weighted_sum(
            [x[c] for c in sub.indices[lo:hi].tolist()], sub.data[lo:hi].tolist()
        )
        upper = int(core.constraint_upper[k])
        ct = model.add_linear_constraint(
            expr, int(core.constraint_lower[k]), upper if upper < UNBOUNDED else 2**62
        )
        enforce(ct, core.constraint_names[k])
    # minimise fixed + sum(unassigned) + sum((c_e - unassigned_i) x_e) over items that may skip
    skip_cost = np.where(core.must_assign[items], 0, core.unassigned_cost[items])
    offset = core.fixed_cost + int(core.unassigned_cost[~core.must_assign].sum())
    model.minimize(cp_model.LinearExpr.weighted_sum(x, (core.edge_cost[idx] - skip_cost).tolist()) + offset)
    return model, x, guards
