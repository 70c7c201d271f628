"""What every solve reports: status, assignment, objective, proven bound, gap, time and statistics.

Every engine path (network, relax, exact MIP, CP-SAT) returns one :class:`EngineResult` over the
reduced problem's edges; :func:`matcher.assignment.solve` turns it into the public
:class:`AssignmentSolution` in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from enum import StrEnum

import numpy as np

from matcher.assignment.problem import BoolArray, IntArray

#: ``on_progress(bound, incumbent or None, seconds) -> keep going?``
Progress = Callable[[float, float | None, float], bool]


class Status(StrEnum):
    OPTIMAL = "optimal"  #: objective proven equal to the bound
    FEASIBLE = "feasible"  #: a solution with a proven bound, not (yet) proven optimal
    INFEASIBLE = "infeasible"  #: no solution exists; ``conflict`` says why
    UNKNOWN = "unknown"  #: no solution found within the limits, none proven impossible


@dataclass(frozen=True)
class SolveStats:
    """What a solve did, for benchmarks and explanations; a field is ``None`` where its step did not run.

    Counts are of the reduced problem's edges; seconds are since the solve's start.
    """

    edges: int | None = None  #: edges left after presolve
    iterations: int | None = None  #: dual evaluations (network solves of the relaxation)
    candidates: int | None = None  #: the most candidate edges one network solve started from
    rounds: int | None = None  #: pricing rounds of the network path
    bound_seconds: float | None = None  #: when the dual stopped
    lagrangian_bound: float | None = None  #: the dual's proven bound (rounded up)
    merged_edges: int | None = None  #: edges of the merging MIP, if it ran
    merge_incumbent: float | None = None  #: the incumbent after merging
    incumbent: float | None = None  #: the incumbent after the search
    kept_edges: int | None = None  #: edges that survived reduced-cost fixing
    lns_steps: int | None = None  #: large-neighbourhood steps run
    lns_seconds: float | None = None  #: seconds they took
    exact_seconds: float | None = None  #: seconds from the bound's end to the exact MIP's

    def as_dict(self) -> dict[str, float]:
        """The steps that ran, as numbers: the shape stored with runs and benchmark rows."""
        return {k: float(v) for k, v in asdict(self).items() if v is not None}


@dataclass(frozen=True)
class EngineResult:
    """What every engine path returns, over the reduced problem's edges (``used``); ``bound`` is a
    proven lower bound, ``objective`` ``None`` without a solution."""

    status: Status
    used: BoolArray
    objective: int | None
    bound: float
    conflict: str | None = None
    stats: SolveStats = field(default_factory=SolveStats)


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
    stats: SolveStats = field(default_factory=SolveStats)

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


def empty_assignment(n_items: int) -> IntArray:
    return np.full(n_items, -1, np.int64)
