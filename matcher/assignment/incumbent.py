"""The best solution a solve knows, shared by its steps (the dual stops at it, the search improves it)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from matcher.assignment.core import Core
from matcher.assignment.large import is_large
from matcher.assignment.local import local_search
from matcher.assignment.problem import BoolArray


@dataclass
class Incumbent:
    """The best solution known and its cost; :meth:`offer` keeps the better one.

    ``gap_limit`` is the relative gap the solve accepts (see :meth:`proven_by`).
    """

    core: Core
    used: BoolArray | None = None
    objective: float = math.inf
    gap_limit: float = 0.0

    def offer(self, used: BoolArray | None) -> bool:
        """Take ``used`` if it is cheaper and feasible (checked here, the one door every solution
        of a solve passes: a step's slip must not become the answer); whether it was taken."""
        if used is None:
            return False
        value = self.core.objective(used)
        if value < self.objective and feasible(self.core, used):
            self.used, self.objective = used, float(value)
            return True
        return False

    def proven_by(self, bound: float) -> bool:
        """Whether ``bound`` proves the incumbent optimal, or within ``gap_limit`` of it (never
        before the first solution): the one rule that ends the dual, the search and the solve."""
        ub = self.objective
        return math.isfinite(ub) and (ub <= bound or ub - bound <= self.gap_limit * abs(ub))

    def polish(self, deadline: float, seed: int = 0, max_passes: int = 20) -> bool:
        """Improve the incumbent by local search (:mod:`matcher.assignment.local`); whether it gained.
        Not on a large problem (:mod:`matcher.assignment.large`): a pass there takes seconds."""
        if self.used is None or is_large(self.core):
            return False
        return self.offer(
            local_search(self.core, self.used, deadline=deadline, seed=seed, max_passes=max_passes)
        )


def feasible(core: Core, used: BoolArray) -> bool:
    """Whether a selection of the core's edges keeps every constraint: one edge per item at most,
    must-assign items served, option capacities and side-constraint bounds kept."""
    items = core.edge_item[used]
    served = np.bincount(items, minlength=core.n_items)
    if (served > 1).any() or (core.must_assign & (served == 0)).any():
        return False
    if (np.bincount(core.edge_option[used], minlength=core.n_options) > core.option_capacity).any():
        return False
    load = core.constraint_matrix @ used.astype(np.int64)
    return bool((load <= core.constraint_upper).all() and (load >= core.constraint_lower).all())
