"""The Lagrangian dual against the LP it relaxes (scipy's HiGHS on every edge): its bound is always
valid, and with one side constraint (a line search is then exact) it reaches the LP bound."""

from __future__ import annotations

import math

import numpy as np
import scipy.sparse as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from matcher.assignment import AssignmentProblem, SideConstraint
from matcher.assignment.core import Conflict, Core, presolve
from matcher.assignment.dual import maximise_dual
from matcher.assignment.incumbent import Incumbent
from matcher.assignment.problem import UNBOUNDED
from tests.matcher.strategies import assignment_problems


def lp_bound(core: Core) -> float | None:
    """The LP relaxation of the core, every edge in [0, 1]; ``None`` if it is infeasible."""
    n_e = core.n_edges
    cols = np.arange(n_e)
    ones = np.ones(n_e)
    by_item = sp.csr_matrix((ones, (core.edge_item, cols)), shape=(core.n_items, n_e))
    by_option = sp.csr_matrix((ones, (core.edge_option, cols)), shape=(core.n_options, n_e))
    upper = np.where(core.constraint_upper >= UNBOUNDED, np.inf, core.constraint_upper.astype(float))
    a_ub = sp.vstack([by_item, by_option, core.constraint_matrix, -core.constraint_matrix]).tocsr()
    b_ub = np.concatenate(
        [np.ones(core.n_items), core.option_capacity, upper, -core.constraint_lower.astype(float)]
    )
    finite = np.isfinite(b_ub)
    must = np.flatnonzero(core.must_assign)
    skip = np.where(core.must_assign, 0, core.unassigned_cost)
    res = linprog(
        (core.edge_cost - skip[core.edge_item]).astype(float),
        A_ub=a_ub[finite],
        b_ub=b_ub[finite],
        A_eq=by_item[must] if must.size else None,
        b_eq=np.ones(must.size) if must.size else None,
        bounds=(0, 1),
        method="highs",
    )
    if res.status != 0:
        return None
    return float(res.fun) + float(skip.sum()) + core.fixed_cost


def dual_bound(core: Core) -> float:
    result = maximise_dual(
        core, 10, deadline=math.inf, incumbent=Incumbent(core), on_solution=lambda used, priced, value: True
    )
    return result.bound


@settings(max_examples=60, deadline=None)
@given(p=assignment_problems(max_items=6, max_options=6))
def test_the_dual_bound_never_exceeds_the_lp_bound(p: AssignmentProblem) -> None:
    core = presolve(p)
    assume(not isinstance(core, Conflict) and core.n_edges > 0 and core.n_constraints > 0)
    assert isinstance(core, Core)
    lp = lp_bound(core)
    assume(lp is not None)
    assert lp is not None
    assert dual_bound(core) <= lp + 1e-6


@st.composite
def one_capacity_problems(draw: st.DrawFn) -> AssignmentProblem:
    """Optional items, units of capacity one or two, one weighted capacity over some of the edges."""
    n, m = draw(st.integers(1, 8)), draw(st.integers(1, 8))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    item, option = np.nonzero(rng.random((n, m)) < draw(st.floats(0.3, 1.0)))
    assume(item.size > 0)
    chosen = np.flatnonzero(rng.random(item.size) < draw(st.floats(0.3, 1.0)))
    zone = SideConstraint("zone", chosen, rng.integers(1, 4, chosen.size), int(rng.integers(0, 8)))
    return AssignmentProblem.create(
        n,
        m,
        item,
        option,
        rng.integers(0, 60, item.size),
        unassigned_cost=rng.integers(20, 120, n),
        option_capacity=rng.integers(1, 3, m),
        constraints=[zone],
    )


@settings(max_examples=80, deadline=None)
@given(p=one_capacity_problems())
def test_with_one_side_constraint_the_dual_reaches_the_lp_bound(p: AssignmentProblem) -> None:
    core = presolve(p)
    assert isinstance(core, Core)  # nothing must be assigned: no conflict is possible
    lp = lp_bound(core)
    assert lp is not None  # assigning nothing is feasible
    bound = dual_bound(core) if core.n_constraints else lp  # a capacity that cannot bind is dropped
    assert lp - 1.0 <= bound <= lp + 1e-6


@settings(max_examples=60, deadline=None)
@given(p=one_capacity_problems())
def test_the_dual_stops_at_the_incumbent_or_when_told(p: AssignmentProblem) -> None:
    """With the incumbent the full run's bound proves optimal, the dual ends at the first evaluation
    that proves it (the evaluations are deterministic, so that run is a prefix of the full one); and
    ``on_solution`` returning ``False`` ends it at once (the unpriced start may take two)."""
    core = presolve(p)
    assert isinstance(core, Core)
    assume(core.n_constraints > 0)
    values: list[float] = []

    def record(used: object, priced: object, value: float) -> bool:
        values.append(value)
        return True

    full = maximise_dual(core, 10, deadline=math.inf, incumbent=Incumbent(core), on_solution=record)
    target = math.ceil(full.bound - 1e-9)
    proving = next(k for k, v in enumerate(np.maximum.accumulate(values), 1) if math.ceil(v - 1e-9) >= target)
    known = Incumbent(core, objective=float(target))
    early = maximise_dual(core, 10, deadline=math.inf, incumbent=known, on_solution=lambda *_: True)
    assert math.ceil(early.bound - 1e-9) >= target
    assert early.evaluations <= max(proving, 2) <= max(full.evaluations, 2)
    told = maximise_dual(core, 10, deadline=math.inf, incumbent=Incumbent(core), on_solution=lambda *_: False)
    assert told.evaluations <= 2
