"""Presolve's compiled passes agree with plain scipy, and nothing is copied when nothing goes."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings

from matcher.assignment import AssignmentProblem, SideConstraint
from matcher.assignment.core import MERGE_ROWS, Core, presolve
from matcher.assignment.problem import UNBOUNDED
from tests.matcher.strategies import assignment_problems


@settings(max_examples=200, deadline=None)
@given(assignment_problems(max_items=7, max_options=6))
def test_core_matrix_is_the_problems_columns(problem: AssignmentProblem) -> None:
    core = presolve(problem)
    if not isinstance(core, Core):
        return
    full = problem.constraint_matrix.toarray()[:, core.edge_index]
    dense = core.constraint_matrix.toarray()
    kept = [problem.constraint_names.index(name) for name in core.constraint_names]
    np.testing.assert_array_equal(dense, full[kept])
    # every row dropped can never bind: the most its items could load (each its heaviest edge)
    for k in set(range(problem.n_constraints)) - set(kept):
        reach = sum(full[k, core.edge_item == i].max(initial=0) for i in range(problem.n_items))
        pins = int(problem.constraint_matrix.toarray()[k, problem.pinned].sum())
        assert problem.constraint_lower[k] - pins <= 0
        assert problem.constraint_upper[k] >= UNBOUNDED or reach <= problem.constraint_upper[k] - pins


def test_nothing_removed_shares_the_arrays() -> None:
    rng = np.random.default_rng(0)
    item, option = np.nonzero(rng.random((30, 20)) < 0.5)
    edges = np.arange(item.size)
    problem = AssignmentProblem.create(
        30,
        20,
        item,
        option,
        rng.integers(0, 50, item.size),
        unassigned_cost=100,
        constraints=[SideConstraint("all", edges, np.ones(item.size, np.int64), 5)],
    )
    core = presolve(problem)
    assert isinstance(core, Core)
    for name in ("edge_item", "edge_option", "edge_cost"):
        assert getattr(core, name) is getattr(problem, name)
    assert core.constraint_matrix is problem.constraint_matrix
    assert problem.constraint_matrix.indices.dtype == np.int32


@settings(max_examples=100, deadline=None)
@given(assignment_problems(max_items=7, max_options=6))
def test_constraint_columns_are_scipys(problem: AssignmentProblem) -> None:
    core = presolve(problem)
    if not isinstance(core, Core):
        return
    columns = core.constraint_columns
    want = core.constraint_matrix.tocsc()
    want.sort_indices()
    np.testing.assert_array_equal(columns.indptr, want.indptr)
    np.testing.assert_array_equal(columns.indices, want.indices)
    np.testing.assert_array_equal(columns.data, want.data)


def test_constraint_columns_with_many_rows() -> None:
    """Above MERGE_ROWS rows the transposition counts instead of merging: the same matrix."""
    rng = np.random.default_rng(1)
    item, option = np.nonzero(rng.random((20, 30)) < 0.6)
    constraints = [
        SideConstraint(f"r{k}", e, rng.integers(1, 5, e.size), 3)
        for k in range(40)
        for e in [np.flatnonzero(rng.random(item.size) < 0.3)]
    ]
    problem = AssignmentProblem.create(
        20, 30, item, option, rng.integers(0, 9, item.size), unassigned_cost=50, constraints=constraints
    )
    core = presolve(problem)
    assert isinstance(core, Core) and core.n_constraints > MERGE_ROWS
    np.testing.assert_array_equal(core.constraint_columns.toarray(), core.constraint_matrix.toarray())
    assert (np.diff(core.constraint_columns.indptr) >= 0).all()
