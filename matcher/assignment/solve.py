"""The one entry point of the generic layer: :func:`solve`."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from matcher.assignment.core import Conflict, Core, presolve
from matcher.assignment.cpsat import solve_cpsat
from matcher.assignment.network import solve_network
from matcher.assignment.problem import AssignmentProblem, BoolArray
from matcher.assignment.relax import solve_relaxed
from matcher.assignment.result import AssignmentSolution, Status, empty_assignment
from matcher.errors import InvalidProblemError

Method = Literal["auto", "network", "relax", "cpsat"]


METHODS = ("auto", "network", "relax", "cpsat")
#: ``on_progress(bound, incumbent or None, seconds) -> keep going?``
Progress = Callable[[float, float | None, float], bool]


@dataclass(frozen=True)
class SolveOptions:
    """How to solve. ``auto`` takes the exact network path when no side constraint binds and the
    relax-fix-solve path otherwise; ``cpsat`` is the plain model of every edge (a baseline).

    ``time_limit`` (seconds) is kept to within 5 % + 1 s; the time is used until the answer is
    proven optimal or within ``gap_limit`` (relative; what-if runs by the thousand need not prove
    the last point). ``workers`` is CP-SAT's number of threads (HiGHS, through scipy, runs on one);
    ``seed`` drives CP-SAT and the neighbourhoods of the search. ``candidates`` is how many of each
    item's cheapest edges the network solves start from. ``on_progress`` is called with the proven
    bound so far, the best objective (``None`` before the first solution) and the seconds elapsed,
    between steps (about once a second on long solves, not inside one exact MIP); returning
    ``False`` stops the solve soon with the best answer so far (status ``feasible``).
    Bad values raise :class:`matcher.errors.InvalidProblemError` naming the field.
    """

    method: Method = "auto"
    time_limit: float = 30.0
    workers: int = 2
    seed: int = 0
    candidates: int = 10
    gap_limit: float = 0.0
    on_progress: Progress | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        def bad(name: str, why: str) -> InvalidProblemError:
            return InvalidProblemError("options", name, why)

        if self.method not in METHODS:
            raise bad("method", f"must be one of {', '.join(METHODS)}")
        if not isinstance(self.time_limit, int | float) or not math.isfinite(self.time_limit):
            raise bad("time_limit", "must be a finite number of seconds")
        if self.time_limit <= 0:
            raise bad("time_limit", "must be positive")
        for name in ("workers", "candidates", "seed"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | np.integer):
                raise bad(name, "must be an integer")
        if not 1 <= self.workers <= 64:
            raise bad("workers", "must lie in 1..64")
        if not 1 <= self.candidates <= 1000:
            raise bad("candidates", "must lie in 1..1000")
        if not 0 <= self.seed < 2**31:
            raise bad("seed", "must lie in 0..2^31-1")
        if not isinstance(self.gap_limit, int | float) or not 0 <= self.gap_limit < 1:
            raise bad("gap_limit", "must lie in [0, 1)")
        if self.on_progress is not None and not callable(self.on_progress):
            raise bad("on_progress", "must be callable")


def solve(problem: AssignmentProblem, options: SolveOptions | None = None) -> AssignmentSolution:
    """The best assignment found within ``options.time_limit``, with a proven lower bound.

    Infeasibility is an answer (status ``infeasible`` with the conflicting constraints named), never
    an exception; only bad options raise (:class:`matcher.errors.InvalidProblemError`).
    """
    opts = options or SolveOptions()
    start = time.perf_counter()
    reduced = presolve(problem)
    if isinstance(reduced, Conflict):
        return AssignmentSolution(
            Status.INFEASIBLE,
            empty_assignment(problem.n_items),
            None,
            float("inf"),
            time.perf_counter() - start,
            "presolve",
            reduced.reason,
        )
    core = reduced
    method = opts.method
    if method == "auto":
        method = "network" if core.n_constraints == 0 else "relax"
    if method == "network":
        if core.n_constraints:
            raise InvalidProblemError("options", "method", "network cannot handle side constraints; use auto")
        hook = opts.on_progress
        keep_going = None if hook is None else (lambda: hook(-math.inf, None, time.perf_counter() - start))
        flow = solve_network(core, opts.candidates, deadline=start + opts.time_limit, keep_going=keep_going)
        seconds = time.perf_counter() - start
        if not flow.feasible:
            return AssignmentSolution(
                Status.INFEASIBLE,
                empty_assignment(problem.n_items),
                None,
                float("inf"),
                seconds,
                "network",
                "the items that must be assigned cannot all get an option",
            )
        stats = {"rounds": float(flow.rounds), "candidates": float(flow.candidates)}
        status = Status.OPTIMAL if flow.optimal or flow.bound >= flow.objective else Status.FEASIBLE
        return _solution(
            problem,
            core,
            flow.used,
            status,
            flow.objective,
            min(flow.bound, flow.objective),
            start,
            "network",
            None,
            stats,
        )
    if method == "relax":
        out = solve_relaxed(
            core,
            time_limit=max(0.1, opts.time_limit - (time.perf_counter() - start)),
            workers=opts.workers,
            seed=opts.seed,
            candidates=opts.candidates,
            gap_limit=opts.gap_limit,
            on_progress=opts.on_progress,
        )
        return _solution(
            problem,
            core,
            out.used,
            out.status,
            out.objective,
            out.bound,
            start,
            "relax",
            out.conflict,
            out.stats,
        )
    every = np.ones(core.n_edges, bool)
    res = solve_cpsat(core, every, time_limit=opts.time_limit, workers=opts.workers, seed=opts.seed)
    return _solution(
        problem, core, res.used, res.status, res.objective, res.bound, start, "cpsat", res.conflict, {}
    )


def _solution(
    problem: AssignmentProblem,
    core: Core,
    used: BoolArray,
    status: Status,
    objective: int | None,
    bound: float,
    start: float,
    method: str,
    conflict: str | None,
    stats: dict[str, float],
) -> AssignmentSolution:
    edge_of_item = empty_assignment(problem.n_items)
    edge_of_item[problem.edge_item[problem.pinned]] = problem.pinned
    if objective is not None:
        chosen = core.edge_index[used]
        edge_of_item[problem.edge_item[chosen]] = chosen
    else:
        edge_of_item[:] = -1
    return AssignmentSolution(
        status,
        edge_of_item,
        objective,
        float(bound),
        time.perf_counter() - start,
        method,
        conflict,
        dict(stats),
    )
