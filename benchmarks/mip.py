"""The direct MIP a newcomer would write: one binary per eligible pair, every constraint as a row,
handed to HiGHS (through scipy's ``milp``; the ``highspy`` package crashes next to OR-Tools)."""

from __future__ import annotations

import math

import numpy as np
import scipy.sparse as sp
from scipy.optimize import LinearConstraint, milp

from matcher.assignment import UNBOUNDED, AssignmentProblem
from matcher.assignment.problem import BoolArray


def solve_mip(problem: AssignmentProblem, time_limit: float) -> tuple[str, BoolArray | None, float]:
    """Status (``optimal``, ``feasible``, ``infeasible``, ``unknown``), the edges used, the bound.

    Items that may stay unassigned pay ``unassigned`` unless an edge is used, so edge ``e`` costs
    ``c_e - u_i`` on top of the constant ``sum(u_i)``.
    """
    n, e = problem.n_items, problem.n_edges
    usable = np.ones(e)
    usable[problem.forbidden] = 0
    lower_x = np.zeros(e)
    lower_x[problem.pinned] = 1
    skip = np.where(problem.must_assign, 0, problem.unassigned_cost)
    constant = float(skip.sum())
    cost = (problem.edge_cost - skip[problem.edge_item]).astype(np.float64)
    if e == 0:  # HiGHS needs a variable; with none, everything stays unassigned
        if problem.must_assign.any():
            return "infeasible", None, math.inf
        return "optimal", np.zeros(0, bool), constant
    cols = np.arange(e)
    item_rows = sp.csr_matrix((np.ones(e), (problem.edge_item, cols)), shape=(n, e))
    rows = [LinearConstraint(item_rows, np.where(problem.must_assign, 1, 0), 1)]
    degree = np.bincount(problem.edge_option, minlength=problem.n_options)
    tight = np.flatnonzero(problem.option_capacity < degree)
    if tight.size:
        index = np.full(problem.n_options, -1)
        index[tight] = np.arange(tight.size)
        sel = index[problem.edge_option] >= 0
        opt_rows = sp.csr_matrix(
            (np.ones(sel.sum()), (index[problem.edge_option[sel]], cols[sel])), shape=(tight.size, e)
        )
        rows.append(LinearConstraint(opt_rows, 0, problem.option_capacity[tight]))
    if problem.n_constraints:
        upper = np.where(problem.constraint_upper >= UNBOUNDED, np.inf, problem.constraint_upper)
        rows.append(
            LinearConstraint(problem.constraint_matrix.astype(np.float64), problem.constraint_lower, upper)
        )
    res = milp(
        cost,
        constraints=rows,
        integrality=np.ones(e),
        bounds=(lower_x, usable),
        # a zero gap tolerance, so "optimal" means proven like the other solvers' (HiGHS stops at 0.01 %)
        options={"time_limit": max(0.01, time_limit), "disp": False, "mip_rel_gap": 0.0},
    )
    bound = getattr(res, "mip_dual_bound", None)
    bound = constant + float(bound) if bound is not None and math.isfinite(bound) else -math.inf
    if res.status == 2:
        return "infeasible", None, math.inf
    if res.x is None:
        return "unknown", None, bound
    used = np.asarray(res.x) > 0.5
    return ("optimal" if res.status == 0 else "feasible"), used, bound
