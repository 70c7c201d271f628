"""HiGHS (through scipy) on a subset of a core's edges: the exact end of the relaxation path.

Its LP relaxation is as strong as the Lagrangian bound, so on the few edges that survive fixing it
closes the last fraction of a percent quickly; the matrices are built with numpy, not per variable.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

from matcher.assignment.core import Core
from matcher.assignment.problem import UNBOUNDED, BoolArray
from matcher.assignment.result import Status, SubResult


def solve_mip(core: Core, edges: BoolArray, *, time_limit: float, gap_limit: float = 0.0) -> SubResult:
    """Optimise over the ``edges`` mask; the objective includes pins and unassigned costs."""
    idx = np.flatnonzero(edges)
    n_e, n = idx.size, core.n_items
    items, options = core.item[idx], core.option[idx]
    skip = np.where(core.must[items], 0, core.unassigned[items])
    offset = core.fixed_cost + int(core.unassigned[~core.must].sum())
    if n_e == 0:
        used = np.zeros(core.n_edges, bool)
        if core.must.any() or (core.lower > 0).any():
            return SubResult(Status.INFEASIBLE, used, None, np.inf)
        return SubResult(Status.OPTIMAL, used, core.objective(used), float(core.objective(used)))
    cols = np.arange(n_e)
    ones = np.ones(n_e)
    constraints = [
        LinearConstraint(sp.csr_matrix((ones, (items, cols)), shape=(n, n_e)), core.must.astype(float), 1.0),
        LinearConstraint(
            sp.csr_matrix((ones, (options, cols)), shape=(core.n_options, n_e)),
            0.0,
            core.capacity.astype(float),
        ),
    ]
    if core.n_constraints:
        upper = np.where(core.upper >= UNBOUNDED, np.inf, core.upper.astype(float))
        constraints.append(LinearConstraint(core.matrix[:, idx], core.lower.astype(float), upper))
    res = milp(
        (core.cost[idx] - skip).astype(float),
        constraints=constraints,
        integrality=np.ones(n_e),
        bounds=Bounds(0, 1),
        options={"time_limit": max(0.05, time_limit), "mip_rel_gap": max(gap_limit, 1e-12), "disp": False},
    )
    used = np.zeros(core.n_edges, bool)
    bound = getattr(res, "mip_dual_bound", None)
    bound = -np.inf if bound is None or not np.isfinite(bound) else float(bound) + offset
    if res.x is None:
        status = Status.INFEASIBLE if res.status == 2 else Status.UNKNOWN
        return SubResult(status, used, None, np.inf if status is Status.INFEASIBLE else bound)
    used[idx[res.x > 0.5]] = True
    objective = core.objective(used)
    status = Status.OPTIMAL if res.status == 0 and objective <= np.ceil(bound - 1e-6) else Status.FEASIBLE
    return SubResult(status, used, objective, min(bound, objective))
