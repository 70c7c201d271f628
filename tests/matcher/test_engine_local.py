"""The local search never breaks a constraint and never makes a solution worse; it finds the
ejection chains it promises. Checked on the core by a checker written here, not the solver's."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from matcher.assignment import AssignmentProblem
from matcher.assignment.core import Conflict, Core, presolve
from matcher.assignment.greedy import greedy
from matcher.assignment.incumbent import Incumbent
from matcher.assignment.local import local_search
from tests.matcher.strategies import assignment_problems


def _feasible(core: Core, used: np.ndarray) -> bool:
    items = core.edge_item[used]
    if np.unique(items).size != items.size:
        return False
    if (np.bincount(core.edge_option[used], minlength=core.n_options) > core.option_capacity).any():
        return False
    assigned = np.zeros(core.n_items, bool)
    assigned[items] = True
    if (core.must_assign & ~assigned).any():
        return False
    load = core.constraint_matrix.toarray() @ used.astype(np.int64)
    return bool((load <= core.constraint_upper).all() and (load >= core.constraint_lower).all())


def _cost(core: Core, used: np.ndarray) -> int:
    assigned = np.zeros(core.n_items, bool)
    for e in np.flatnonzero(used):
        assigned[core.edge_item[e]] = True
    total = sum(int(core.edge_cost[e]) for e in np.flatnonzero(used))
    unassigned = sum(int(core.unassigned_cost[i]) for i in range(core.n_items) if not assigned[i])
    return core.fixed_cost + total + unassigned


@settings(max_examples=150, deadline=None)
@given(assignment_problems(max_items=7, max_options=5))
def test_local_search_stays_feasible_and_never_worse(p: AssignmentProblem) -> None:
    core = presolve(p)
    assume(not isinstance(core, Conflict))
    assert isinstance(core, Core)
    rng = np.random.default_rng(core.n_edges)
    start = greedy(core, rng.permutation(core.n_items))
    assume(start is not None and _feasible(core, start))
    assert start is not None
    out = local_search(core, start, deadline=math.inf, seed=1)
    assert _feasible(core, out)
    assert _cost(core, out) <= _cost(core, start)


def test_an_ejection_chain_makes_room() -> None:
    # item 0 holds option 0; item 1 (unassigned, dear) can use option 0 only; moving item 0 to
    # option 1 costs it a point, so no single move improves, the chain gains 99
    p = AssignmentProblem.create(
        2,
        2,
        np.array([0, 0, 1]),
        np.array([0, 1, 0]),
        np.array([10, 11, 0]),
        unassigned_cost=np.array([500, 100]),
    )
    core = presolve(p)
    assert isinstance(core, Core)
    start = np.zeros(core.n_edges, bool)
    start[0] = True
    out = local_search(core, start, deadline=math.inf)
    assert _cost(core, out) == 11 + core.fixed_cost
    assert _feasible(core, out)


@settings(max_examples=150, deadline=None)
@given(assignment_problems(max_items=6, max_options=4), st.integers(0, 2**31 - 1))
def test_the_incumbent_takes_only_feasible_solutions(p: AssignmentProblem, seed: int) -> None:
    core = presolve(p)
    assume(not isinstance(core, Conflict))
    assert isinstance(core, Core)
    rng = np.random.default_rng(seed)
    best = Incumbent(core)
    for _ in range(5):
        used = rng.random(core.n_edges) < 0.4
        before = best.objective
        taken = best.offer(used)
        assert taken == (_feasible(core, used) and _cost(core, used) < before)
    assert best.used is None or _feasible(core, best.used)
