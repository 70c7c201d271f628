"""The portfolio: the relaxation path and the full MIP beside it, checked against brute force; the
answer is the better of the two, its bound the better proven one."""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from matcher.assignment import AssignmentProblem, SideConstraint, SolveOptions, Status, solve
from matcher.assignment import mip as mip_module
from matcher.assignment import portfolio as portfolio_module
from matcher.assignment import relax as relax_module
from matcher.assignment.core import Core, presolve
from matcher.assignment.mip import MipSettings, integer_bound
from matcher.assignment.relax import RelaxOutcome
from matcher.assignment.result import SubResult

from .oracle import brute_force, feasible
from .strategies import assignment_problems


def _used(p: AssignmentProblem, edge_of_item: np.ndarray) -> np.ndarray:
    used = np.zeros(p.n_edges, bool)
    used[edge_of_item[edge_of_item >= 0]] = True
    return used


@given(p=assignment_problems(max_items=6, max_options=5))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_useless_relaxation_path_still_gives_the_optimum(
    p: AssignmentProblem, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the relaxation path answering nothing, the full MIP's answer is the solve's."""
    if p.n_constraints == 0:
        return
    best = brute_force(p)

    def nothing(core: Core, **_: object) -> RelaxOutcome:
        return RelaxOutcome(Status.UNKNOWN, np.zeros(core.n_edges, bool), None, -math.inf)

    monkeypatch.setattr(portfolio_module, "solve_relaxed", nothing)
    sol = solve(p, SolveOptions(time_limit=10, workers=2))
    if best is None:
        assert not sol.has_solution
        return
    core = presolve(p)
    if isinstance(core, Core) and core.n_edges:
        assert sol.has_solution
        used = _used(p, sol.edge_of_item)
        assert feasible(p, used)
        assert sol.objective == p.objective(used) == best
        assert sol.bound <= best


@given(p=assignment_problems(max_items=6, max_options=5))
@settings(max_examples=40, deadline=None)
def test_portfolio_answers_are_optimal_and_bounds_valid(p: AssignmentProblem) -> None:
    best = brute_force(p)
    sol = solve(p, SolveOptions(time_limit=10, workers=2))
    if best is None:
        assert sol.status in (Status.INFEASIBLE, Status.UNKNOWN)
        return
    assert sol.status is Status.OPTIMAL
    used = _used(p, sol.edge_of_item)
    assert feasible(p, used)
    assert sol.objective == p.objective(used) == best
    assert sol.bound <= best


def _core() -> Core:
    p = AssignmentProblem.create(1, 2, [0, 0], [0, 1], [5, 3], unassigned_cost=100)
    core = presolve(p)
    assert isinstance(core, Core)
    return core


def test_the_better_solution_and_the_higher_bound_are_kept() -> None:
    core = _core()
    dear = core.cost == core.cost.max()
    cheap = ~dear
    out = RelaxOutcome(Status.FEASIBLE, dear, core.objective(dear), 1.0)
    full = SubResult(Status.FEASIBLE, cheap, core.objective(cheap), 2.5)
    mixed = portfolio_module._better(core, out, full)
    assert mixed.objective == core.objective(cheap) < core.objective(dear)
    assert np.array_equal(mixed.used, cheap)
    assert mixed.bound == 3.0  # integer costs: the float bound rounds up
    assert mixed.status is Status.OPTIMAL  # the bound reaches the objective (3)


def test_an_exact_mip_stopped_before_its_first_bound_keeps_the_solve_answering(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """HiGHS may return its start solution with no bound (stopped at once): the bound so far stands."""
    p = AssignmentProblem.create(
        3,
        3,
        [0, 0, 1, 1, 2, 2],
        [0, 1, 0, 1, 1, 2],
        [1, 4, 2, 3, 5, 1],
        unassigned_cost=50,
        constraints=[SideConstraint("pair", [0, 2], [1, 1], upper=1)],
    )
    real = mip_module.solve_mip

    def no_bound(*args: Any, **kwargs: Any) -> SubResult:
        res = real(*args, **kwargs)
        return SubResult(res.status, res.used, res.objective, -math.inf)

    monkeypatch.setattr(relax_module, "solve_mip", no_bound)
    core = presolve(p)
    assert isinstance(core, Core)
    best = brute_force(p)
    every = np.ones(core.n_edges, bool)
    stats = {"bound_seconds": 0.0}
    out = relax_module._finish(
        core, every, None, -math.inf, time.perf_counter(), 5.0, 0.0, stats, MipSettings()
    )
    assert best is not None and out.objective is not None
    assert out.objective >= best >= out.bound
    assert integer_bound(-math.inf) == -math.inf
