"""HiGHS (through scipy) on a subset of a core's edges: the exact end of the relaxation path.

Its LP relaxation is as strong as the Lagrangian bound, so on the few edges that survive fixing it
closes the last fraction of a percent quickly; the matrices are built with numpy, not per variable.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, OptimizeResult, milp

from matcher.assignment.core import Core
from matcher.assignment.problem import UNBOUNDED, BoolArray, IntArray
from matcher.assignment.result import Status, SubResult


def solve_mip(core: Core, edges: BoolArray, *, time_limit: float, gap_limit: float = 0.0) -> SubResult:
    """Optimise over the ``edges`` mask; the objective includes pins and unassigned costs."""
    idx = np.flatnonzero(edges)
    n_e, n = idx.size, core.n_items
    if n_e == 0:
        used = np.zeros(core.n_edges, bool)
        if core.must.any() or (core.lower > 0).any():
            return SubResult(Status.INFEASIBLE, used, None, np.inf)
        return SubResult(Status.OPTIMAL, used, core.objective(used), float(core.objective(used)))
    res = _milp(core, idx, np.ones(n, bool), core.capacity, core.lower, core.upper, time_limit, gap_limit)
    used = np.zeros(core.n_edges, bool)
    offset = core.fixed_cost + int(core.unassigned[~core.must].sum())
    bound = getattr(res, "mip_dual_bound", None)
    bound = -np.inf if bound is None or not np.isfinite(bound) else float(bound) + offset
    if res.x is None:
        status = Status.INFEASIBLE if res.status == 2 else Status.UNKNOWN
        return SubResult(status, used, None, np.inf if status is Status.INFEASIBLE else bound)
    used[idx[res.x > 0.5]] = True
    objective = core.objective(used)
    status = Status.OPTIMAL if res.status == 0 and objective <= np.ceil(bound - 1e-6) else Status.FEASIBLE
    return SubResult(status, used, objective, min(bound, objective))


def _milp(
    core: Core,
    idx: IntArray,
    free: BoolArray,
    capacity: IntArray,
    lower: IntArray,
    upper: IntArray,
    time_limit: float,
    gap_limit: float,
) -> OptimizeResult:
    """HiGHS on the edges ``idx`` of the ``free`` items, against the capacities and bounds given;
    the objective is the edges' cost less the unassigned cost each assigned item saves."""
    n_e = idx.size
    items, options = core.item[idx], core.option[idx]
    rows = np.flatnonzero(free)
    row_of = np.full(core.n_items, -1, np.int64)
    row_of[rows] = np.arange(rows.size)
    skip = np.where(core.must[items], 0, core.unassigned[items])
    cols = np.arange(n_e)
    ones = np.ones(n_e)
    constraints = [
        LinearConstraint(
            sp.csr_matrix((ones, (row_of[items], cols)), shape=(rows.size, n_e)),
            core.must[rows].astype(float),
            1.0,
        ),
        LinearConstraint(
            sp.csr_matrix((ones, (options, cols)), shape=(core.n_options, n_e)), 0.0, capacity.astype(float)
        ),
    ]
    if core.n_constraints:
        up = np.where(upper >= UNBOUNDED, np.inf, upper.astype(float))
        constraints.append(LinearConstraint(core.matrix[:, idx], np.maximum(lower, 0).astype(float), up))
    return milp(
        (core.cost[idx] - skip).astype(float),
        constraints=constraints,
        integrality=np.ones(n_e),
        bounds=Bounds(0, 1),
        options={"time_limit": max(0.05, time_limit), "mip_rel_gap": max(gap_limit, 1e-12), "disp": False},
    )


def solve_restricted(
    core: Core,
    edges: BoolArray,
    free: BoolArray,
    capacity: IntArray,
    lower: IntArray,
    upper: IntArray,
    time_limit: float,
) -> tuple[BoolArray | None, bool]:
    """The best use of ``edges`` by the ``free`` items, the other items' choices fixed elsewhere
    (``capacity``, ``lower`` and ``upper`` are what they leave); ``(used or None, proven optimal)``."""
    idx = np.flatnonzero(edges)
    if idx.size == 0:
        return None, False
    res = _milp(core, idx, free, capacity, lower, upper, time_limit, 0.0)
    if res.x is None:
        return None, False
    used = np.zeros(core.n_edges, bool)
    used[idx[res.x > 0.5]] = True
    return used, res.status == 0
