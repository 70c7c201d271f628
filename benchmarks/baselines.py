"""The solvers compared side by side: wunneng and the ways a newcomer would solve the same problem.

Every solver takes an :class:`Instance` and a time limit and returns an :class:`Outcome` over the
instance's edges; the caller measures time and memory and checks the answer independently.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

from benchmarks.instances import Instance
from benchmarks.mip import solve_mip
from matcher.assignment import AssignmentProblem, SolveOptions, solve
from matcher.assignment.core import Conflict, presolve
from matcher.assignment.greedy import greedy
from matcher.assignment.problem import BoolArray

#: Dense matrices above this size are not attempted (the machine has to hold them and a copy).
DENSE_LIMIT_BYTES = 4 * 2**30


@dataclass(frozen=True)
class Outcome:
    status: str  #: optimal, feasible, infeasible, unknown, or skipped (with ``note``)
    used: BoolArray | None  #: edges of the instance used
    bound: float = -math.inf  #: proven lower bound, -inf if the solver proves none
    note: str = ""
    stats: dict[str, float] = field(default_factory=dict)


def wunneng(instance: Instance, time_limit: float) -> Outcome:
    return _from_solution(instance.problem, SolveOptions(time_limit=time_limit))


#: What the L target asks for: a proven gap of at most 0.1 %.
TARGET_GAP = 1e-3


def wunneng_gap(instance: Instance, time_limit: float) -> Outcome:
    """wunneng stopping at a proven gap of 0.1 % (the large-scale target) instead of proving optimality."""
    return _from_solution(instance.problem, SolveOptions(time_limit=time_limit, gap_limit=TARGET_GAP))


def cpsat(instance: Instance, time_limit: float) -> Outcome:
    """The plain CP-SAT model of every eligible pair (matcher's ``method="cpsat"``)."""
    return _from_solution(instance.problem, SolveOptions(method="cpsat", time_limit=time_limit))


def _from_solution(problem: AssignmentProblem, options: SolveOptions) -> Outcome:
    sol = solve(problem, options)
    used = None
    if sol.has_solution:
        used = np.zeros(problem.n_edges, bool)
        used[sol.edge_of_item[sol.edge_of_item >= 0]] = True
    return Outcome(sol.status.value, used, sol.bound, sol.conflict or "", sol.stats.as_dict())


def fcfs(instance: Instance, time_limit: float) -> Outcome:
    """First come, first served: households by registration date take their cheapest free unit
    that still fits every capacity. No bound: it proves nothing."""
    core = presolve(instance.problem)
    if isinstance(core, Conflict):
        return Outcome("infeasible", None, math.inf, core.reason)
    chosen = greedy(core, instance.fcfs_order)
    if chosen is None:
        return Outcome("unknown", None, note="greedy breaks a constraint")
    used = np.zeros(instance.problem.n_edges, bool)
    used[core.edge_index[chosen]] = True
    used[instance.problem.pinned] = True
    return Outcome("feasible", used)


def dense_lsa(instance: Instance, time_limit: float) -> Outcome:
    """scipy's ``linear_sum_assignment`` on the dense cost matrix, one dummy column per item for
    staying unassigned. Only for problems without side constraints and with unit capacities."""
    p = instance.problem
    if p.n_constraints or (p.option_capacity > 1).any() or p.pinned.size or p.forbidden.size:
        return Outcome("skipped", None, note="side constraints, capacities or pins")
    n, m = p.n_items, p.n_options
    if n * (n + m) * 8 > DENSE_LIMIT_BYTES:
        return Outcome("skipped", None, note=f"dense matrix {n * (n + m) * 8 / 2**30:.0f} GiB does not fit")
    usable = p.option_capacity > 0
    matrix = np.full((n, m + n), np.inf)
    keep = usable[p.edge_option]
    matrix[p.edge_item[keep], p.edge_option[keep]] = p.edge_cost[keep]
    skip = np.flatnonzero(~p.must_assign)
    matrix[skip, m + skip] = p.unassigned_cost[skip]
    try:
        rows, cols = linear_sum_assignment(matrix)
    except ValueError:
        return Outcome("infeasible", None, math.inf, "no complete assignment")
    real = cols < m
    key = p.edge_item * m + p.edge_option
    order = np.argsort(key, kind="stable")
    used = np.zeros(p.n_edges, bool)
    used[order[np.searchsorted(key[order], rows[real] * m + cols[real])]] = True
    return Outcome("optimal", used, float(p.objective(used)))


def mip(instance: Instance, time_limit: float) -> Outcome:
    status, used, bound = solve_mip(instance.problem, time_limit)
    return Outcome(status, used, bound)


SOLVERS: dict[str, Callable[[Instance, float], Outcome]] = {
    "wunneng": wunneng,
    "wunneng_gap": wunneng_gap,
    "fcfs": fcfs,
    "dense_lsa": dense_lsa,
    "cpsat": cpsat,
    "mip": mip,
}
