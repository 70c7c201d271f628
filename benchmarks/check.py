"""An independent check of an answer: a benchmark must not trust the solver it measures."""

from __future__ import annotations

import numpy as np

from matcher.assignment import AssignmentProblem
from matcher.assignment.problem import BoolArray


def violations(problem: AssignmentProblem, used: BoolArray) -> list[str]:
    """Every constraint the selection of edges breaks, in words; empty if it is feasible."""
    out = []
    per_item = np.bincount(problem.edge_item[used], minlength=problem.n_items)
    if (per_item > 1).any():
        out.append(f"item {int(np.argmax(per_item > 1))} uses {int(per_item.max())} edges")
    missing = np.flatnonzero(problem.must_assign & (per_item == 0))
    if missing.size:
        out.append(f"item {int(missing[0])} must be assigned but is not")
    load = np.bincount(problem.edge_option[used], minlength=problem.n_options)
    over = np.flatnonzero(load > problem.option_capacity)
    if over.size:
        j = int(over[0])
        out.append(f"option {j} holds {int(load[j])} > {int(problem.option_capacity[j])}")
    rows = problem.constraint_matrix @ used.astype(np.int64)
    for k in np.flatnonzero((rows > problem.constraint_upper) | (rows < problem.constraint_lower)):
        out.append(
            f"{problem.constraint_names[k]}: {int(rows[k])} outside "
            f"[{int(problem.constraint_lower[k])}, {int(problem.constraint_upper[k])}]"
        )
    if not used[problem.pinned].all():
        out.append("a pinned edge is not used")
    if used[problem.forbidden].any():
        out.append("a forbidden edge is used")
    return out
