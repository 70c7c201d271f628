"""What every solve reports: status, assignment, objective, proven bound, gap and time."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from matcher.assignment.problem import BoolArray, IntArray


class Status(StrEnum):
    OPTIMAL = "optimal"  #: objective proven equal to the bound
    FEASIBLE = "feasible"  #: a solution with a proven bound, not (yet) proven optimal
    INFEASIBLE = "infeasible"  #: no solution exists; ``conflict`` says why
    UNKNOWN = "unknown"  #: no solution found within the limits, none proven impossible


@dataclass(frozen=True)
class AssignmentSolution:
    """The answer of :func:`matcher.assignment.solve`.

    ``edge_of_item[i]`` is the edge item ``i`` uses, or -1. ``bound`` is a proven lower bound on the
    optimum (minimisation); ``gap = (objective - bound) / max(1, |objective|)``.
    """

    status: Status
    edge_of_item: IntArray
    objective: int | None
    bound: float
    seconds: float
    method: str
    conflict: str | None = None
    stats: dict[str, float] = field(default_factory=dict)

    @property
    def gap(self) -> float | None:
        if self.objective is None:
            return None
        return max(0.0, (self.objective - self.bound) / max(1.0, abs(self.objective)))

    @property
    def has_solution(self) -> bool:
        return self.status in (Status.OPTIMAL, Status.FEASIBLE)

    def summary(self) -> str:
        gap = "-" if self.gap is None else f"{100 * self.gap:.3f} %"
        assigned = int((self.edge_of_item >= 0).sum())
        text = (
            f"{self.status.value}: objective {self.objective}, bound {self.bound:.1f}, gap {gap}, "
            f"{assigned}/{self.edge_of_item.size} assigned, {self.seconds:.2f} s ({self.method})"
        )
        return text + (f"; {self.conflict}" if self.conflict else "")


@dataclass(frozen=True)
class SubResult:
    """What an exact engine (CP-SAT, HiGHS) returns for a subset of a core's edges."""

    status: Status
    used: BoolArray  #: over the core's edges
    objective: int | None
    bound: float
    conflict: str | None = None


def empty_assignment(n_items: int) -> IntArray:
    return np.full(n_items, -1, np.int64)
