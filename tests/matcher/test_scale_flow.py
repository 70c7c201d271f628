"""Min-cost flow with recovered duals: optimal, and its duals certify it (checked independently)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from matcher.assignment import AssignmentProblem
from matcher.assignment.core import Core, presolve
from matcher.assignment.flow import assign_flow
from matcher.assignment.network import FLOW_EDGES, solve_network
from matcher.assignment.ssp import FORBIDDEN, assign_csr


def _random(seed: int, n: int, m: int) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    ei, eo = np.nonzero(rng.random((n, m)) < rng.uniform(0.2, 1.0))
    cost = rng.integers(0, 50, ei.size)
    unassigned = rng.integers(10, 100, n)
    unassigned[rng.random(n) < rng.choice([0.0, 0.4])] = FORBIDDEN
    capacity = rng.integers(0, 3, m)
    indptr = np.searchsorted(ei, np.arange(n + 1))
    return indptr, eo.astype(np.int64), cost.astype(np.int64), unassigned.astype(np.int64), capacity


def _cost(
    indptr: np.ndarray, option: np.ndarray, cost: np.ndarray, unassigned: np.ndarray, of: np.ndarray
) -> int:
    total = 0
    for i, j in enumerate(of.tolist()):
        if j < 0:
            total += int(unassigned[i])
        else:
            lo = indptr[i]
            total += int(cost[lo + np.flatnonzero(option[lo : indptr[i + 1]] == j)[0]])
    return total


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 12), st.integers(1, 10))
def test_flow_is_optimal_and_certified(seed: int, n: int, m: int) -> None:
    indptr, option, cost, unassigned, capacity = _random(seed, n, m)
    ssp = assign_csr(indptr, option, cost, unassigned, capacity)
    flow = assign_flow(indptr, option, cost, unassigned, capacity, int(FORBIDDEN))
    assert flow is not None
    feasible, of, u, p = flow
    assert feasible == ssp[0]
    if not feasible:
        return
    load = np.bincount(of[of >= 0], minlength=m)
    assert (load <= capacity).all()
    objective = _cost(indptr, option, cost, unassigned, of)
    assert objective == _cost(indptr, option, cost, unassigned, ssp[1])  # SSP, the oracle
    # the certificate, checked here without the module's own checker
    item = np.repeat(np.arange(n), np.diff(indptr))
    assert (cost + p[option] >= u[item]).all()
    assert (u <= unassigned).all() and (p >= 0).all()
    assert (p[load < capacity] == 0).all()
    assert int(u.sum() - p @ capacity) == objective  # dual objective = primal: optimal


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_network_path_on_flow_sized_candidates_matches_lsa(seed: int) -> None:
    """Above the flow threshold the priced network path is still exact (scipy as the oracle)."""
    rng = np.random.default_rng(seed)
    n = m = 160
    cost = rng.integers(0, 1000, (n, m))
    ei, eo = np.nonzero(np.ones((n, m), bool))
    problem = AssignmentProblem.create(n, m, ei, eo, cost.ravel(), unassigned_cost=10_000)
    core = presolve(problem)
    assert isinstance(core, Core) and core.n_edges >= FLOW_EDGES
    res = solve_network(core, k=core.n_options)  # every edge a candidate: the flow solves it
    rows, cols = linear_sum_assignment(cost)
    assert res.objective == int(cost[rows, cols].sum())
    assert res.bound == res.objective
