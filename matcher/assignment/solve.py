"""The one entry point of the generic layer: :func:`solve`."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

import numpy as np

from matcher.assignment.core import Conflict, Core, presolve
from matcher.assignment.cpsat import solve_cpsat
from matcher.assignment.network import solve_network
from matcher.assignment.problem import AssignmentProblem, BoolArray
from matcher.assignment.relax import solve_relaxed
from matcher.assignment.result import AssignmentSolution, Status, empty_assignment

Method = Literal["auto", "network", "relax", "cpsat"]


@dataclass(frozen=True)
class SolveOptions:
    """How to solve. ``auto`` takes the exact network path when no side constraint binds and the
    relax-fix-solve path otherwise; ``cpsat`` is the plain model of every edge (a baseline).

    ``workers`` and ``seed`` go to CP-SAT; with the same inputs and a run that finishes within its
    time limit, the objective is reproducible. ``gap_limit`` stops the relax path once its proven
    relative gap is that small (what-if runs by the thousand need not prove the last point).
    """

    method: Method = "auto"
    time_limit: float = 30.0
    workers: int = 2
    seed: int = 0
    candidates: int = 10
    gap_limit: float = 0.0


def solve(problem: AssignmentProblem, options: SolveOptions | None = None) -> AssignmentSolution:
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
            raise ValueError("the network method cannot handle side constraints; use auto")
        flow = solve_network(core, opts.candidates, deadline=start + opts.time_limit)
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
            time_limit=opts.time_limit,
            workers=opts.workers,
            seed=opts.seed,
            candidates=opts.candidates,
            gap_limit=opts.gap_limit,
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
