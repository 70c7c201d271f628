"""Brute force for tiny generic assignment problems: the independent reference optimum."""

from __future__ import annotations

import itertools

import numpy as np

from matcher.assignment import AssignmentProblem


def feasible(p: AssignmentProblem, used: np.ndarray) -> bool:
    """Every hard constraint, checked directly on the original problem."""
    items = p.edge_item[used]
    if np.unique(items).size != items.size:
        return False
    if (np.bincount(p.edge_option[used], minlength=p.n_options) > p.option_capacity).any():
        return False
    assigned = np.zeros(p.n_items, bool)
    assigned[items] = True
    if (p.must_assign & ~assigned).any():
        return False
    if not used[p.pinned].all() or used[p.forbidden].any():
        return False
    load = p.constraint_matrix @ used.astype(np.int64)
    return bool((load <= p.constraint_upper).all() and (load >= p.constraint_lower).all())


def brute_force(p: AssignmentProblem) -> int | None:
    """The optimum over every selection of at most one edge per item, or None if infeasible."""
    choices = [[*np.flatnonzero(p.edge_item == i).tolist(), -1] for i in range(p.n_items)]
    best = None
    for combo in itertools.product(*choices):
        used = np.zeros(p.n_edges, bool)
        used[[e for e in combo if e >= 0]] = True
        if feasible(p, used):
            value = p.objective(used)
            best = value if best is None else min(best, value)
    return best
