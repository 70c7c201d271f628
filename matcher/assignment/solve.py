"""The one entry point of the generic layer: :func:`solve`."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from matcher.assignment.core import Conflict, Core, presolve
from matcher.assignment.network import solve_network
from matcher.assignment.problem import AssignmentProblem
from matcher.assignment.relax import solve_relaxed
from matcher.assignment.result import AssignmentSolution, EngineResult, Progress, Status, empty_assignment
from matcher.errors import InvalidProblemError

Method = Literal["auto", "network", "relax", "cpsat"]


METHODS = ("auto", "network", "relax", "cpsat")


@dataclass(frozen=True)
class SolveOptions:
    """How to solve. ``auto`` takes the exact network path when no side constraint binds and the
    relax-fix-solve path otherwise; ``cpsat`` is the plain model of every edge (a baseline).

    ``time_limit`` (seconds) is kept to within 5 % + 1 s; the time is used until the answer is
    proven optimal or within ``gap_limit`` (relative; what-if runs by the thousand need not prove
    the last point). ``workers`` is CP-SAT's number of threads only: HiGHS fixes its thread count
    when it first runs in a process, so one solve cannot set it. ``seed`` drives HiGHS, CP-SAT and
    the neighbourhoods of the search. ``candidates`` is how many of each item's cheapest edges the
    network solves start from. ``on_progress`` is called with the proven bound so far (``-inf`` on
    the network path, which proves its bound at the end), the best objective (``None`` before the
    first solution) and the seconds elapsed: between steps, once per pricing round of the network
    path and about once a second inside HiGHS; returning ``False`` stops the solve soon with the
    best answer so far.
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

    Path: presolve (pins, forbidden edges, side constraints that cannot bind; a conflict found there
    is the answer). With no side constraint left, ``auto`` takes the network path: an exact
    min-cost assignment, optimal unless stopped. Otherwise the relax-fix-solve path
    (:mod:`matcher.assignment.relax`): the LP over every edge by column generation where it fits
    the time, a Lagrangian bound from its duals, rounded and repaired incumbents polished by local
    search, reduced-cost fixing, large-neighbourhood search and an exact HiGHS MIP on the edges
    that survive (the incumbent as its cutoff). ``cpsat`` is one
    CP-SAT model of every edge, the baseline.

    The answer's ``bound`` is a proven lower bound on the optimum (minimisation), ``gap`` the
    objective's relative distance to it; status ``optimal`` means the two meet, ``feasible`` that a
    solution is proven within ``gap`` (at most ``gap_limit`` when the time sufficed), ``unknown``
    that no solution was found in time, ``infeasible`` that none exists (``conflict`` names the
    constraints). The solve returns within ``time_limit`` + 5 % + 1 s, and uses the time to
    improve until it proves optimality or ``gap_limit``, or ``on_progress`` says stop.
    ``seed`` reaches HiGHS and CP-SAT, ``workers`` CP-SAT only (see :class:`SolveOptions`).

    Infeasibility is an answer, never an exception. Raises
    :class:`matcher.errors.InvalidProblemError` for bad options (or ``network`` with side
    constraints), and :class:`matcher.assignment.errors.SolverFailure` if an engine contradicts a
    proven result (a bug).
    """
    opts = options or SolveOptions()
    start = time.perf_counter()
    reduced = presolve(problem)
    if isinstance(reduced, Conflict):
        none = EngineResult(Status.INFEASIBLE, np.zeros(0, bool), None, math.inf, reduced.reason)
        return _public(problem, None, none, start, "presolve")
    core = reduced
    method = opts.method
    if method == "auto":
        method = "network" if core.n_constraints == 0 else "relax"
    if method == "network":
        if core.n_constraints:
            raise InvalidProblemError("options", "method", "network cannot handle side constraints; use auto")
        hook = opts.on_progress
        keep_going = None if hook is None else (lambda: hook(-math.inf, None, time.perf_counter() - start))
        res = solve_network(core, opts.candidates, deadline=start + opts.time_limit, keep_going=keep_going)
    elif method == "relax":
        res = solve_relaxed(
            core,
            time_limit=max(0.1, opts.time_limit - (time.perf_counter() - start)),
            seed=opts.seed,
            candidates=opts.candidates,
            gap_limit=opts.gap_limit,
            on_progress=opts.on_progress,
        )
    else:
        from matcher.assignment.cpsat import solve_cpsat  # CP-SAT loads in a second: only when asked for

        every = np.ones(core.n_edges, bool)
        res = solve_cpsat(core, every, time_limit=opts.time_limit, workers=opts.workers, seed=opts.seed)
    return _public(problem, core, res, start, method)


def _public(
    problem: AssignmentProblem, core: Core | None, res: EngineResult, start: float, method: str
) -> AssignmentSolution:
    """The one place an engine's answer over the core's edges becomes the problem's: pins put back,
    edges mapped to the original indices; no assignment at all without a solution."""
    edge_of_item = empty_assignment(problem.n_items)
    if res.objective is not None and core is not None:
        edge_of_item[problem.edge_item[problem.pinned]] = problem.pinned
        chosen = core.edge_index[res.used]
        edge_of_item[problem.edge_item[chosen]] = chosen
    return AssignmentSolution(
        res.status,
        edge_of_item,
        res.objective,
        float(res.bound),
        time.perf_counter() - start,
        method,
        res.conflict,
        res.stats,
    )
