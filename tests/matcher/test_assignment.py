"""The generic capacitated-assignment layer against brute force and against itself."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse.csgraph import maximum_bipartite_matching

from matcher.assignment import AssignmentProblem, SideConstraint, SolveOptions, Status, solve
from matcher.assignment.core import Core, presolve
from matcher.assignment.mip import solve_mip
from matcher.assignment.network import assign_priced, cheapest_per_item
from matcher.errors import InvalidProblemError

from .oracle import brute_force, feasible
from .strategies import assignment_problems


def _used(p: AssignmentProblem, edge_of_item: np.ndarray) -> np.ndarray:
    used = np.zeros(p.n_edges, bool)
    used[edge_of_item[edge_of_item >= 0]] = True
    return used


@pytest.mark.parametrize("method", ["auto", "relax", "cpsat"])
@given(p=assignment_problems())
@settings(max_examples=80)
def test_optimum_matches_brute_force_and_every_constraint_holds(
    method: Literal["auto", "relax", "cpsat"], p: AssignmentProblem
) -> None:
    best = brute_force(p)
    sol = solve(p, SolveOptions(method=method, time_limit=20))
    if best is None:
        assert sol.status is Status.INFEASIBLE
        assert sol.conflict
        return
    assert sol.status is Status.OPTIMAL
    used = _used(p, sol.edge_of_item)
    assert feasible(p, used)
    assert sol.objective == p.objective(used) == best
    assert sol.bound == pytest.approx(best)
    assert sol.gap == 0


@given(p=assignment_problems(max_items=30, max_options=30, side=False, must=False))
@settings(max_examples=40)
def test_network_fast_path_agrees_with_cpsat(p: AssignmentProblem) -> None:
    fast = solve(p, SolveOptions(method="network"))
    reference = solve(p, SolveOptions(method="cpsat", time_limit=20))
    assert fast.status is reference.status is Status.OPTIMAL
    assert fast.objective == reference.objective
    assert feasible(p, _used(p, fast.edge_of_item))


@given(p=assignment_problems(max_items=30, max_options=30, side=False))
@settings(max_examples=40)
def test_network_finds_a_solution_exactly_when_a_complete_matching_exists(p: AssignmentProblem) -> None:
    """Infeasibility of must-assign items is Hall's condition: checked by scipy's maximum matching."""
    slots = np.repeat(np.arange(p.n_options), p.option_capacity)  # one column per unit of capacity
    first_slot = np.r_[0, np.cumsum(p.option_capacity)]
    keep = np.ones(p.n_edges, bool)
    keep[p.forbidden] = False
    rows, cols = [], []
    for e in np.flatnonzero(keep & p.must_assign[p.edge_item]).tolist():
        j = p.edge_option[e]
        for s in range(first_slot[j], first_slot[j + 1]):
            rows.append(p.edge_item[e])
            cols.append(s)
    graph = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(p.n_items, max(slots.size, 1)))
    must_rows = np.flatnonzero(p.must_assign)
    matched = maximum_bipartite_matching(graph[must_rows], perm_type="column")
    complete = bool((matched >= 0).all())
    fast = solve(p, SolveOptions(method="network"))
    if p.pinned.size:  # pins take capacity first; compare only unpinned problems here
        return
    assert (fast.status is Status.OPTIMAL) == complete
    if complete:
        assert feasible(p, _used(p, fast.edge_of_item))


@pytest.mark.slow
@given(seed=st.integers(0, 10_000))
@settings(max_examples=10)
def test_relaxation_is_exact_on_larger_capacitated_problems(seed: int) -> None:
    """Dozens of items, binding weighted capacities: the relax path must prove the optimum that a
    plain MIP of every edge (HiGHS, no relaxation, no fixing) finds. Plain CP-SAT is too slow here."""
    rng = np.random.default_rng(seed)
    n, m, zones = 40, 50, 3
    ei, eo = np.nonzero(rng.random((n, m)) < 0.3)
    zone = rng.integers(0, zones, m)
    points = rng.integers(1, 4, n)
    constraints = [
        SideConstraint(
            f"zone {z}", np.flatnonzero(zone[eo] == z), points[ei[zone[eo] == z]], int(rng.integers(5, 25))
        )
        for z in range(zones)
    ]
    p = AssignmentProblem.create(
        n,
        m,
        ei,
        eo,
        rng.integers(0, 100, ei.size),
        unassigned_cost=rng.integers(150, 400, n),
        constraints=constraints,
    )
    fast = solve(p, SolveOptions(method="relax", time_limit=60))
    core = presolve(p)
    assert isinstance(core, Core)
    reference = solve_mip(core, np.ones(core.n_edges, bool), time_limit=120)
    assert reference.status is Status.OPTIMAL
    assert fast.status is Status.OPTIMAL
    assert fast.objective == reference.objective
    assert feasible(p, _used(p, fast.edge_of_item))


def test_linear_assignment_known_optimum() -> None:
    """A 3x3 assignment whose optimum (5) is easy to check by hand."""
    cost = np.array([[4, 1, 3], [2, 0, 5], [3, 2, 2]])
    ei, eo = np.nonzero(np.ones_like(cost))
    p = AssignmentProblem.create(3, 3, ei, eo, cost.ravel(), must_assign=True)
    sol = solve(p)
    assert sol.status is Status.OPTIMAL and sol.method == "network"
    assert sol.objective == 5


def test_pins_beyond_a_capacity_are_an_infeasible_answer_naming_the_constraint() -> None:
    p = AssignmentProblem.create(
        2,
        2,
        [0, 1],
        [0, 1],
        [1, 1],
        constraints=[SideConstraint("zone north", [0, 1], [2, 2], 3)],
        pinned=[0, 1],
    )
    sol = solve(p)
    assert sol.status is Status.INFEASIBLE
    assert "zone north" in (sol.conflict or "")


def test_unreachable_minimum_is_infeasible_and_named() -> None:
    p = AssignmentProblem.create(
        2, 2, [0, 1], [0, 1], [1, 1], constraints=[SideConstraint("quota south", [0], [1], 5, lower=2)]
    )
    sol = solve(p)
    assert sol.status is Status.INFEASIBLE
    assert "quota south" in (sol.conflict or "")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"edge_cost": [1.5]}, "edge_cost"),
        ({"edge_option": [3]}, "edge_option"),
        ({"option_capacity": -1}, "option_capacity"),
        ({"constraints": [SideConstraint("z", [0], [1], -1)]}, "upper"),
        ({"constraints": [SideConstraint("z", [0], [-1], 1)]}, "weights"),
    ],
)
def test_bad_problems_are_rejected_naming_the_field(kwargs: dict[str, object], field: str) -> None:
    args: dict[str, object] = {"edge_item": [0], "edge_option": [0], "edge_cost": [1]}
    args.update(kwargs)
    with pytest.raises(InvalidProblemError) as err:
        AssignmentProblem.create(1, 2, **args)  # type: ignore[arg-type]
    assert err.value.field == field


def test_duplicate_edges_are_rejected() -> None:
    with pytest.raises(InvalidProblemError, match="duplicate"):
        AssignmentProblem.create(1, 1, [0, 0], [0, 0], [1, 2])


@given(p=assignment_problems(max_items=30, max_options=30, side=False, must=False))
@settings(max_examples=30)
def test_pricing_stopped_early_still_gives_a_valid_bound(p: AssignmentProblem) -> None:
    """One flow on each item's cheapest edge only: its Lagrangian bound must not exceed the optimum,
    and no optimal edge may have a reduced cost above the gap (or fixing would cut it off)."""
    core = presolve(p)
    assert isinstance(core, Core)
    cand = cheapest_per_item(core, core.edge_cost, 1)
    early = assign_priced(core, core.edge_cost, core.unassigned_cost, cand, max_rounds=1)
    best = solve(p, SolveOptions(method="network"))
    assert best.status is Status.OPTIMAL and best.objective is not None
    optimum = best.objective - core.fixed_cost
    assert early.bound <= optimum
    chosen = np.isin(core.edge_index, best.edge_of_item[best.edge_of_item >= 0])
    assert early.bound + early.reduced[chosen].sum() <= optimum


def test_statistics_name_the_steps_that_ran_in_the_stored_shape() -> None:
    """Stored runs and benchmark rows keep ``{name: number}`` of the steps that ran, nothing else."""
    from matcher.assignment import SolveStats

    assert SolveStats(edges=3, lns_seconds=None).as_dict() == {"edges": 3.0}
    plain = AssignmentProblem.create(2, 2, [0, 0, 1], [0, 1, 1], [1, 5, 2], unassigned_cost=50)
    network = solve(plain).stats.as_dict()
    assert set(network) == {"rounds", "candidates"} and network["candidates"] == 3.0
    zone = SideConstraint("zone", [0, 2], [1, 1], upper=1)
    linked = AssignmentProblem.create(
        2, 2, [0, 0, 1], [0, 1, 1], [1, 5, 2], unassigned_cost=50, constraints=[zone]
    )
    relaxed = solve(linked, SolveOptions(method="relax", time_limit=5)).stats.as_dict()
    assert {"edges", "iterations", "bound_seconds", "lagrangian_bound", "incumbent"} <= set(relaxed)
    assert relaxed["edges"] == 3.0 and all(isinstance(v, float) for v in relaxed.values())
