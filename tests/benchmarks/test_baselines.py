"""Baselines and instance plumbing on small random problems: exact baselines agree with wunneng,
the checker catches broken answers, and stored or stacked instances keep their meaning."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.baselines import TARGET_GAP, Outcome, cpsat, dense_lsa, fcfs, mip, wunneng, wunneng_gap
from benchmarks.check import violations
from benchmarks.instances import Instance, load, save, stack
from matcher.assignment import AssignmentProblem, SideConstraint


def used(o: Outcome) -> np.ndarray:
    """The edges an answer uses (every baseline here returns an answer)."""
    assert o.used is not None
    return o.used


@st.composite
def instances(draw: st.DrawFn, side: bool) -> Instance:
    n, m = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, m - 1)), unique=True, max_size=30))
    pairs.sort()
    item = np.array([p[0] for p in pairs], np.int64)
    option = np.array([p[1] for p in pairs], np.int64)
    cost = np.array(draw(st.lists(st.integers(0, 50), min_size=len(pairs), max_size=len(pairs))), np.int64)
    constraints = []
    if side and pairs:
        weights = draw(st.lists(st.integers(1, 3), min_size=len(pairs), max_size=len(pairs)))
        half = np.arange(len(pairs)) % 2 == 0
        upper = draw(st.integers(0, 6))
        constraints.append(SideConstraint("even edges", np.flatnonzero(half), np.array(weights)[half], upper))
    problem = AssignmentProblem.create(
        n, m, item, option, cost, unassigned_cost=draw(st.integers(10, 80)), constraints=constraints
    )
    return Instance("random", problem, np.arange(n), cost, np.ones(n, bool))


@settings(max_examples=30)
@given(instances(side=False))
def test_exact_baselines_agree_without_side_constraints(instance: Instance) -> None:
    outcomes = [f(instance, 10.0) for f in (wunneng, dense_lsa, mip, cpsat)]
    assert {o.status for o in outcomes} == {"optimal"}
    assert len({instance.problem.objective(used(o)) for o in outcomes}) == 1
    assert all(violations(instance.problem, used(o)) == [] for o in outcomes)


@settings(max_examples=30)
@given(instances(side=True))
def test_mip_and_wunneng_agree_with_side_constraints(instance: Instance) -> None:
    ours, theirs = wunneng(instance, 10.0), mip(instance, 10.0)
    assert ours.status == theirs.status == "optimal"
    assert instance.problem.objective(used(ours)) == instance.problem.objective(used(theirs))
    assert violations(instance.problem, used(theirs)) == []
    greedy = fcfs(instance, 10.0)
    assert violations(instance.problem, used(greedy)) == []
    assert instance.problem.objective(used(greedy)) >= instance.problem.objective(used(ours))
    if instance.problem.n_constraints:
        assert dense_lsa(instance, 10.0).status == "skipped"


@settings(max_examples=30)
@given(instances(side=True))
def test_gap_limited_wunneng_is_within_its_gap_of_the_optimum(instance: Instance) -> None:
    """Stopping at a proven gap may end above the optimum, never by more than the gap."""
    ours, theirs = wunneng_gap(instance, 10.0), mip(instance, 10.0)
    assert theirs.status == "optimal" and ours.status in ("optimal", "feasible")
    assert violations(instance.problem, used(ours)) == []
    best, found = instance.problem.objective(used(theirs)), instance.problem.objective(used(ours))
    assert best <= found <= best + TARGET_GAP * abs(found)
    assert ours.bound <= best


def test_fcfs_serves_households_in_registration_order() -> None:
    # both households want option 0; the one registered first gets it
    problem = AssignmentProblem.create(2, 2, [0, 0, 1, 1], [0, 1, 0, 1], [1, 5, 1, 9], unassigned_cost=100)
    for first in (0, 1):
        order = np.array([first, 1 - first])
        out = fcfs(Instance("two", problem, order, np.zeros(4, np.int64), np.ones(2, bool)), 1.0)
        assert out.used is not None
        assert problem.edge_item[used(out) & (problem.edge_option == 0)].tolist() == [first]


def test_checker_names_what_an_answer_breaks() -> None:
    problem = AssignmentProblem.create(
        2,
        1,
        [0, 1],
        [0, 0],
        [1, 1],
        must_assign=[True, False],
        constraints=[SideConstraint("zone", [0, 1], [2, 2], 1)],
    )
    assert violations(problem, np.array([False, True])) == [
        "item 0 must be assigned but is not",
        "zone: 2 outside [0, 1]",
    ]
    assert any("option 0 holds 2" in v for v in violations(problem, np.array([True, True])))


@settings(max_examples=15)
@given(instances(side=True), instances(side=True))
def test_stacked_instances_solve_to_the_sum_and_survive_storage(a: Instance, b: Instance) -> None:
    both = stack("both", [a, b])
    assert both.problem.n_edges == a.problem.n_edges + b.problem.n_edges
    assert wunneng(both, 10.0).status == "optimal"
    total = both.problem.objective(used(wunneng(both, 10.0)))
    assert total == sum(x.problem.objective(used(wunneng(x, 10.0))) for x in (a, b))


def test_storage_round_trip_keeps_every_array(tmp_path: Path) -> None:
    problem = AssignmentProblem.create(
        2,
        2,
        [0, 0, 1],
        [0, 1, 1],
        [3, 4, 5],
        unassigned_cost=[7, 8],
        pinned=[2],
        forbidden=[1],
        constraints=[SideConstraint("zone", [0, 2], [2, 1], 3, lower=1)],
    )
    original = Instance("tiny", problem, np.array([1, 0]), np.array([10, 20, 30]), np.array([True, False]))
    save(original, tmp_path / "tiny.npz")
    again = load(tmp_path / "tiny.npz")
    assert again.name == "tiny"
    arrays = ("edge_item", "edge_option", "edge_cost", "unassigned_cost", "must_assign", "option_capacity")
    for field in (*arrays, "constraint_lower", "constraint_upper", "pinned", "forbidden"):
        assert np.array_equal(getattr(again.problem, field), getattr(problem, field)), field
    assert (again.problem.constraint_matrix != problem.constraint_matrix).nnz == 0
    assert again.problem.constraint_names == problem.constraint_names
    assert np.array_equal(again.fcfs_order, original.fcfs_order)
    assert np.array_equal(again.edge_minutes, original.edge_minutes)
