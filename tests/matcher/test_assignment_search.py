"""The large-neighbourhood search and the anytime path against brute force: feasible, never worse
than where it started, bounds valid; the progress hook sees valid figures and can stop a solve."""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from matcher.assignment import AssignmentProblem, SideConstraint, SolveOptions, Status, solve
from matcher.assignment import mip as mip_module
from matcher.assignment import relax as relax_module
from matcher.assignment.core import Core, presolve
from matcher.assignment.greedy import greedy
from matcher.assignment.incumbent import Incumbent
from matcher.assignment.lns import improve
from matcher.assignment.mip import MipSettings, integer_bound
from matcher.assignment.result import EngineResult, SolveStats

from .oracle import brute_force, feasible
from .strategies import assignment_problems


def _original(p: AssignmentProblem, core: Core, used: np.ndarray) -> np.ndarray:
    out = np.zeros(p.n_edges, bool)
    out[core.edge_index[used]] = True
    out[p.pinned] = True
    return out


def _used(p: AssignmentProblem, edge_of_item: np.ndarray) -> np.ndarray:
    used = np.zeros(p.n_edges, bool)
    used[edge_of_item[edge_of_item >= 0]] = True
    return used


@given(p=assignment_problems(max_items=6, max_options=5))
@settings(max_examples=60, deadline=None)
def test_search_keeps_feasibility_and_never_worsens(p: AssignmentProblem) -> None:
    core = presolve(p)
    if not isinstance(core, Core):
        return
    start = greedy(core, np.arange(core.n_items))
    if start is None:
        return
    incumbent = Incumbent(core)
    incumbent.offer(start)
    before = incumbent.objective
    steps = []

    def step() -> bool:
        steps.append(1)
        return len(steps) <= 6

    rank = np.full(core.n_edges, -np.inf)  # no edge ruled out
    improve(core, incumbent, rank, -math.inf, time.perf_counter() + 30, step, MipSettings())
    assert incumbent.used is not None
    used = _original(p, core, incumbent.used)
    assert feasible(p, used)
    assert p.objective(used) == incumbent.objective <= before
    best = brute_force(p)
    assert best is not None and best <= incumbent.objective


@pytest.mark.slow
@given(p=assignment_problems(max_items=6, max_options=5))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_relax_path_through_the_search_keeps_bound_below_optimum_below_objective(
    p: AssignmentProblem, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no time for the exact MIP, the answer comes from the search: still feasible, still
    bracketed by its proven bound."""
    monkeypatch.setattr(relax_module, "MIP_EDGES_PER_SECOND", 0)  # the same for every example
    best = brute_force(p)
    sol = solve(p, SolveOptions(method="relax", time_limit=3))
    if best is None:
        assert not sol.has_solution or sol.status is Status.INFEASIBLE
        return
    if not sol.has_solution:
        assert sol.status is Status.UNKNOWN
        return
    used = _used(p, sol.edge_of_item)
    assert feasible(p, used)
    assert sol.objective == p.objective(used)
    assert sol.bound <= best + 1e-6 <= sol.objective + 1e-6


@given(p=assignment_problems(max_items=6, max_options=5))
@settings(max_examples=40, deadline=None)
def test_progress_hook_sees_valid_figures(p: AssignmentProblem) -> None:
    best = brute_force(p)
    seen: list[tuple[float, float | None, float]] = []

    def hook(bound: float, incumbent: float | None, seconds: float) -> bool:
        seen.append((bound, incumbent, seconds))
        return True

    sol = solve(p, SolveOptions(time_limit=5, on_progress=hook))
    for bound, incumbent, seconds in seen:
        assert seconds >= 0
        if best is not None:
            assert bound <= best + 1e-6
            assert incumbent is None or incumbent >= best
    if best is not None:
        assert sol.objective == best


def test_a_hook_that_says_stop_ends_the_solve_with_a_feasible_answer() -> None:
    rng = np.random.default_rng(3)
    n, m = 60, 70
    mask = rng.random((n, m)) < 0.5
    ei, eo = np.nonzero(mask)
    from matcher.assignment import SideConstraint

    zone = eo % 4
    constraints = [
        SideConstraint(f"c{k}", np.flatnonzero(zone == k), rng.integers(1, 4, int((zone == k).sum())), 20)
        for k in range(4)
    ]
    p = AssignmentProblem.create(
        n,
        m,
        ei,
        eo,
        rng.integers(0, 100, ei.size),
        unassigned_cost=rng.integers(500, 1500, n),
        constraints=constraints,
    )
    calls: list[float] = []

    def stop(bound: float, incumbent: float | None, seconds: float) -> bool:
        calls.append(seconds)
        return False

    sol = solve(p, SolveOptions(time_limit=60, on_progress=stop))
    assert calls
    assert sol.has_solution
    assert feasible(p, _used(p, sol.edge_of_item))
    assert sol.bound <= sol.objective  # type: ignore[operator]


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

    def no_bound(*args: Any, **kwargs: Any) -> EngineResult:
        res = real(*args, **kwargs)
        return EngineResult(res.status, res.used, res.objective, -math.inf)

    monkeypatch.setattr(relax_module, "solve_mip", no_bound)
    core = presolve(p)
    assert isinstance(core, Core)
    best = brute_force(p)
    every = np.ones(core.n_edges, bool)
    stats = SolveStats(bound_seconds=0.0)
    out = relax_module._finish(
        core, every, None, -math.inf, time.perf_counter(), 5.0, 0.0, stats, MipSettings()
    )
    assert best is not None and out.objective is not None
    assert out.objective >= best >= out.bound
    assert integer_bound(-math.inf) == -math.inf


def test_the_exact_mip_is_sized_to_the_processor_the_solve_gets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under load the exact MIP was sized for a whole core and overran its limit fourfold
    (56,306 edges at 8,000 per second with 8 s left took 37.7 s with a quarter of a core)."""
    from matcher.assignment import relax

    clock = {"wall": 100.0, "cpu": 10.0}
    monkeypatch.setattr(time, "perf_counter", lambda: clock["wall"])
    monkeypatch.setattr(time, "process_time", lambda: clock["cpu"])
    clock.update(wall=104.0, cpu=11.0)  # one second of processor in four of wall time
    share = relax._cpu_share(100.0, 10.0)
    assert share == pytest.approx(0.25)
    assert relax._mip_capacity(8.0, share) < 56_306 <= relax._mip_capacity(8.0)
    clock.update(wall=104.0, cpu=14.0)  # a core of its own
    assert relax._cpu_share(100.0, 10.0) == 1.0
