"""The LP by column generation: its bound is the LP over every edge (plain scipy ``linprog`` as the
oracle), and every bound it states, at any duals, holds against a brute-force optimum."""

from __future__ import annotations

import itertools
import math

import numpy as np
import scipy.sparse as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from matcher.assignment import AssignmentProblem
from matcher.assignment.core import Conflict, Core, presolve
from matcher.assignment.lp import _rows, lagrangian_bound, solve_lp
from matcher.assignment.problem import UNBOUNDED
from tests.matcher.strategies import assignment_problems


def _core(p: AssignmentProblem) -> Core:
    core = presolve(p)
    assume(not isinstance(core, Conflict))
    assert isinstance(core, Core)
    assume(core.n_edges > 0)
    return core


def _solutions(core: Core) -> list[tuple[int, np.ndarray]]:
    """Every feasible selection of the core with its cost, by enumeration."""
    choices = [[*range(core.indptr[i], core.indptr[i + 1]), -1] for i in range(core.n_items)]
    dense = core.constraint_matrix.toarray()
    out = []
    for combo in itertools.product(*choices):
        used = np.zeros(core.n_edges, bool)
        used[[e for e in combo if e >= 0]] = True
        assigned = np.array([e >= 0 for e in combo], bool)
        if (core.must_assign & ~assigned).any():
            continue
        if (np.bincount(core.edge_option[used], minlength=core.n_options) > core.option_capacity).any():
            continue
        load = dense @ used.astype(np.int64)
        if (load > core.constraint_upper).any() or (load < core.constraint_lower).any():
            continue
        cost = core.fixed_cost + int(core.edge_cost[used].sum()) + int(core.unassigned_cost[~assigned].sum())
        out.append((cost, used))
    return out


def _lp_oracle(core: Core) -> float | None:
    """The LP over every edge, written out directly."""
    n_e = core.n_edges
    skip = np.where(core.must_assign, 0, core.unassigned_cost)
    cost = (core.edge_cost - skip[core.edge_item]).astype(float)
    offset = core.fixed_cost + float(core.unassigned_cost[~core.must_assign].sum())
    if n_e == 0:
        return None
    cols = np.arange(n_e)
    item = sp.csr_matrix((np.ones(n_e), (core.edge_item, cols)), shape=(core.n_items, n_e))
    option = sp.csr_matrix((np.ones(n_e), (core.edge_option, cols)), shape=(core.n_options, n_e))
    side = core.constraint_matrix.astype(float)
    upper = np.where(core.constraint_upper >= UNBOUNDED, 1e12, core.constraint_upper)
    a_ub = sp.vstack([item, option, side, -item, -side])
    b_ub = np.r_[
        np.ones(core.n_items),
        core.option_capacity,
        upper,
        -core.must_assign.astype(float),
        -core.constraint_lower,
    ]
    res = linprog(cost, A_ub=a_ub, b_ub=b_ub, bounds=(0, 1), method="highs")
    return None if res.status != 0 else float(res.fun) + offset


@settings(max_examples=80, deadline=None)
@given(assignment_problems(max_items=6, max_options=5))
def test_column_generation_reaches_the_lp_over_every_edge(p: AssignmentProblem) -> None:
    core = _core(p)
    oracle = _lp_oracle(core)
    assume(oracle is not None)
    assert oracle is not None
    lp = solve_lp(core, deadline=math.inf)
    assert lp is not None and lp.converged
    assert abs(lp.bound - oracle) <= 1e-6 * max(1.0, abs(oracle))


@settings(max_examples=80, deadline=None)
@given(assignment_problems(max_items=5, max_options=4), st.integers(0, 2**31 - 1))
def test_the_bound_at_any_duals_and_the_edge_bounds_hold(p: AssignmentProblem, seed: int) -> None:
    core = _core(p)
    solutions = _solutions(core)
    assume(solutions)
    optimum = min(c for c, _ in solutions)
    rows = _rows(core)
    side_t = core.constraint_matrix.T.tocsr()
    duals = np.random.default_rng(seed).normal(0, 50, rows.lower.size)
    value, _ = lagrangian_bound(rows, core, side_t, duals)
    assert value <= optimum + 1e-6
    lp = solve_lp(core, deadline=math.inf)
    assert lp is not None and lp.bound <= optimum + 1e-6
    for cost, used in solutions:
        assert (lp.edge_bound[used] <= cost + 1e-6).all()
