"""The best solution a solve knows, shared by its steps (the dual stops at it, the search improves it)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from matcher.assignment.core import Core
from matcher.assignment.problem import BoolArray


@dataclass
class Incumbent:
    """The best solution known and its cost; :meth:`offer` keeps the better one.

    ``gap_limit`` is the relative gap the solve accepts: a bound at :meth:`target` is proof enough.
    """

    core: Core
    used: BoolArray | None = None
    objective: float = math.inf
    gap_limit: float = 0.0

    def offer(self, used: BoolArray | None) -> bool:
        """Take ``used`` if it is feasible-by-construction and cheaper; whether it was taken."""
        if used is None:
            return False
        value = self.core.objective(used)
        if value < self.objective:
            self.used, self.objective = used, float(value)
            return True
        return False

    def target(self) -> float:
        """The bound that would close the gap: the objective less ``gap_limit`` of it (``inf``
        before the first solution)."""
        ub = self.objective
        return ub - self.gap_limit * abs(ub) if math.isfinite(ub) else ub
