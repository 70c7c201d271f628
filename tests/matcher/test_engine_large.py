"""The large-problem gate: which path a problem takes by its edges, and that the large path's answer
still holds against brute force (feasible, its bound below the optimum, the optimum below it)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings

from matcher.assignment import AssignmentProblem, SideConstraint, SolveOptions, Status, solve
from matcher.assignment import incumbent as incumbent_module
from matcher.assignment import large as large_module
from matcher.assignment import relax as relax_module
from matcher.assignment.core import Core, presolve
from matcher.assignment.dual import maximise_dual
from matcher.assignment.large import LARGE_EDGES, LARGE_EVALUATIONS, is_large
from matcher.assignment.local import local_search
from matcher.assignment.lp import solve_lp

from .oracle import brute_force, feasible
from .strategies import assignment_problems


def _calls(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Count the LP's and the local search's calls (they still run)."""
    seen = {"lp": 0, "local": 0}
    lp, local = solve_lp, local_search

    def counted_lp(*args: Any, **kwargs: Any) -> Any:
        seen["lp"] += 1
        return lp(*args, **kwargs)

    def counted_local(*args: Any, **kwargs: Any) -> Any:
        seen["local"] += 1
        return local(*args, **kwargs)

    monkeypatch.setattr(relax_module, "solve_lp", counted_lp)
    monkeypatch.setattr(incumbent_module, "local_search", counted_local)
    return seen


def _problem() -> AssignmentProblem:
    """Three items, two options of one place each, a side row that holds one of the two cheap
    edges: the relax path with a binding side constraint."""
    return AssignmentProblem.create(
        3,
        2,
        [0, 0, 1, 1, 2],
        [0, 1, 0, 1, 1],
        [1, 5, 2, 6, 3],
        unassigned_cost=20,
        constraints=[SideConstraint("row", [0, 2], [1, 1], upper=1)],
    )


def test_the_gate_is_the_number_of_edges(monkeypatch: pytest.MonkeyPatch) -> None:
    core = presolve(_problem())
    assert isinstance(core, Core)
    assert not is_large(core)
    monkeypatch.setattr(large_module, "LARGE_EDGES", core.n_edges - 1)
    assert is_large(core)
    monkeypatch.setattr(large_module, "LARGE_EDGES", core.n_edges)
    assert not is_large(core)
    assert LARGE_EDGES >= 3_000_000  # the families benchmarked at 200-2,000 items stay below


def test_small_problems_keep_the_lp_and_the_local_search(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _calls(monkeypatch)
    solution = solve(_problem(), SolveOptions(time_limit=5))
    assert seen["lp"] == 1 and seen["local"] >= 1
    assert solution.objective == brute_force(_problem())


def test_large_problems_skip_the_lp_and_the_local_search(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _calls(monkeypatch)
    monkeypatch.setattr(large_module, "LARGE_EDGES", 0)
    solution = solve(_problem(), SolveOptions(time_limit=5))
    assert seen == {"lp": 0, "local": 0}
    assert solution.status is Status.OPTIMAL
    assert solution.objective == brute_force(_problem())


def test_the_large_path_evaluates_zero_then_one_step(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[Any, Any]] = []
    maximise = maximise_dual

    def spy(*args: Any, **kwargs: Any) -> Any:
        start = kwargs.get("start")
        calls.append((None if start is None else start.tolist(), kwargs.get("max_evaluations")))
        return maximise(*args, **kwargs)

    monkeypatch.setattr(relax_module, "maximise_dual", spy)
    monkeypatch.setattr(large_module, "LARGE_EDGES", 0)
    solve(_problem(), SolveOptions(time_limit=5))
    assert calls == [([0.0], LARGE_EVALUATIONS)]


@given(p=assignment_problems(max_items=5, max_options=4))
@settings(max_examples=40, deadline=None)
def test_the_large_path_is_feasible_and_its_bound_holds(p: AssignmentProblem) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(large_module, "LARGE_EDGES", 0)
        solution = solve(p, SolveOptions(time_limit=5, method="relax"))
    best = brute_force(p)
    if best is None:
        assert solution.status is Status.INFEASIBLE
        return
    assert solution.objective is not None
    used = np.zeros(p.n_edges, bool)
    used[solution.edge_of_item[solution.edge_of_item >= 0]] = True
    assert feasible(p, used)
    assert p.objective(used) == solution.objective >= best >= solution.bound - 1e-6


def _infeasible_by_a_row() -> AssignmentProblem:
    """Three items that must be placed, a row that takes only two of them: no start exists."""
    return AssignmentProblem.create(
        3,
        3,
        [0, 0, 1, 1, 2, 2],
        [0, 1, 1, 2, 2, 0],
        [1, 2, 1, 2, 1, 2],
        must_assign=True,
        constraints=[SideConstraint("row", list(range(6)), [1] * 6, 2)],
    )


def test_without_a_start_the_exact_stage_proves_infeasibility_where_it_fits() -> None:
    assert (
        solve(_infeasible_by_a_row(), SolveOptions(method="relax", time_limit=5)).status is Status.INFEASIBLE
    )


def test_without_a_start_too_many_edges_for_the_time_is_unknown_not_late(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(relax_module, "MIP_EDGES_PER_SECOND", 0)  # no model fits: as at millions of edges
    solution = solve(_infeasible_by_a_row(), SolveOptions(method="relax", time_limit=5))
    assert solution.status is Status.UNKNOWN
    assert not solution.has_solution
