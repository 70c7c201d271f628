"""Relax, bound, repair, fix, then solve exactly: the path for problems with side constraints.

Only a few side constraints link items, so they are *relaxed*: each gets a
multiplier (a price per point of weight) and what is left is an assignment problem, solved exactly by
the priced network path (:func:`matcher.assignment.network.assign_priced`).

1. **Bound.** The LP over every edge, by column generation (:mod:`matcher.assignment.lp`), for up
   to half the time: its duals prove a bound at every iteration, the LP bound once no edge prices
   out. Then :mod:`matcher.assignment.dual` maximises ``L(mu)``, the relaxed optimum for
   multipliers ``mu >= 0`` (a proven bound), from the LP's side-row duals: after a converged LP a
   few evaluations (their relaxed solutions feed the incumbent and the merge), after an unfinished
   one a bundle method for a share of its own (without an LP, a line search first).
2. **Incumbent.** The LP's solution is rounded and repaired, and its integral part completed by a
   MIP over the fractional items' best edges; some relaxed solutions are repaired too (over-full
   constraints shed the items that lose least per point of weight, then unassigned items, dearest
   per point first, take their cheapest edge that fits, :func:`greedy`); a MIP merges the relaxed
   solutions with the best bounds (the union of their edges). Local search
   (:mod:`matcher.assignment.local`: single moves and two-step ejection chains) polishes the
   incumbent after each of these steps.
3. **Fix.** The LP's and the assignments' duals give every edge a reduced cost ``r`` with
   ``cost(x) >= bound + sum(r_e x_e)`` for every feasible ``x``; an edge with
   ``bound + r_e > incumbent - 1`` cannot be in a better solution (costs are integers) and is
   dropped.
4. **Search.** Large-neighbourhood search (:mod:`matcher.assignment.lns`) re-solves a few side
   constraints' items at a time with the rest fixed. Where too many edges survive fixing for an
   exact MIP in the time left, it runs until the incumbent is good enough for fixing to leave a
   provable MIP, or until the time is up (the answer is then the incumbent with its proven gap);
   otherwise it takes a share of the time first, to give the exact MIP a good start.
5. **Solve.** A MIP (HiGHS, the incumbent as a cutoff) on the surviving edges: its optimum there is
   the optimum of the whole problem, and its bound a bound for the whole problem.

Every MIP gets the time left and a size it can handle in that time (HiGHS checks its limit only
between phases), so a solve ends within its limit plus a fraction of a second; the progress hook
is asked between steps and, inside HiGHS, about once a second.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from matcher.assignment.core import Core
from matcher.assignment.dual import SCALE, maximise_dual
from matcher.assignment.greedy import greedy
from matcher.assignment.incumbent import Incumbent
from matcher.assignment.large import LARGE_DUAL_SHARE, LARGE_EVALUATIONS, is_large
from matcher.assignment.lns import improve
from matcher.assignment.lp import LpBound, solve_lp
from matcher.assignment.mip import MipSettings, integer_bound, left_by, solve_mip, solve_restricted
from matcher.assignment.network import cheapest_per_item
from matcher.assignment.problem import BoolArray
from matcher.assignment.result import EngineResult, Progress, SolveStats, Status

#: Relaxed solutions (the best bounds first) whose edges the merging MIP combines.
MERGE_SOLUTIONS = 10
MIP_EDGES_PER_SECOND = 8_000
#: HiGHS reads its clock between phases, and on a model of more than ``MIP_RESERVE_EDGES`` edges
#: one phase can take seconds (a 60 s solve over 128,000 edges ended 5.4 s late), so the exact MIP
#: there is given ``1 - MIP_RESERVE`` of the time left.
MIP_RESERVE_EDGES = 50_000
MIP_RESERVE = 0.1
#: Where the exact MIP fits, the share of the time left the search takes first (for its start).
SEARCH_SHARE = 0.3
#: ... and it stops there after this many steps in a row without a gain (the exact MIP may prove fast).
SEARCH_PATIENCE = 3
#: Share of the time limit the merging MIP may take at most.
MERGE_SHARE = 0.15
#: Share of the time limit spent on the bound, and of it at most on the LP.
BOUND_SHARE = 0.4
LP_SHARE = 0.5
#: Edges the LP's column generation gets through per second (a loaded two-core machine: 1,000
#: items and 300k edges take 2-5 s); a larger problem skips the LP in favour of the dual.
LP_EDGES_PER_SECOND = 100_000
#: Share of the time limit the dual has after an LP that did not converge (one that did: a tenth).
DUAL_SHARE = 0.2
#: Share of the time limit the MIP completing the LP's integral part may take, and how many of
#: each fractional item's edges (least reduced cost first) it chooses from.
DIVE_SHARE = 0.1
DIVE_EDGES = 8
#: Share of the time limit one local search of the incumbent may take (its passes are not interrupted).
POLISH_SHARE = 0.08
#: Dual evaluations after an LP that converged.
CONVERGED_EVALUATIONS = 6
#: Repair a relaxed solution into an incumbent every few multiplier updates (and the last one):
#: a repair costs about as much as an assignment, and neighbouring multipliers repair alike.
REPAIR_EVERY = 4


@dataclass
class _Watch:
    """The caller's progress hook, asked between steps with the best bound and incumbent so far;
    it remembers a stop, so every later step ends soon."""

    hook: Progress | None
    start: float
    incumbent: Incumbent
    bound: float = -math.inf
    stopped: bool = False

    def keep_going(self) -> bool:
        if self.hook is not None and not self.stopped:
            best = None if self.incumbent.used is None else self.incumbent.objective
            self.stopped = not self.hook(float(self.bound), best, time.perf_counter() - self.start)
        return not self.stopped

    def interrupt(self, _objective: float, _bound: float, _seconds: float) -> bool:
        """HiGHS's interrupt: its own bound is not the whole problem's, so the solve's is reported."""
        return self.keep_going()


@dataclass
class _Repairs:
    """The dual's ``on_solution``: keeps every relaxed solution for merging and repairs some of them
    into the incumbent (see ``REPAIR_EVERY``)."""

    core: Core
    incumbent: Incumbent
    watch: _Watch
    relaxed: list[tuple[float, NDArray[np.int64]]] = field(default_factory=list)  #: (L(mu), edges)
    seen: int = 0
    last: tuple[BoolArray, NDArray[np.int64]] | None = None  #: the latest one not yet repaired

    def __call__(self, used: BoolArray, priced: NDArray[np.int64], value: float) -> bool:
        self.seen += 1
        self.last = (used, priced)
        self.watch.bound = max(self.watch.bound, value)
        self.relaxed.append((value, np.flatnonzero(used)))
        if self.seen % REPAIR_EVERY == 1:
            self.incumbent.offer(_repair(self.core, used, priced))
            self.last = None
        return self.watch.keep_going()

    def flush(self) -> None:
        """Repair the latest relaxed solution too, if it was not."""
        if self.last is not None:
            self.incumbent.offer(_repair(self.core, *self.last))
            self.last = None


def solve_relaxed(
    core: Core,
    *,
    time_limit: float,
    seed: int,
    candidates: int = 10,
    max_iterations: int = 60,
    gap_limit: float = 0.0,
    on_progress: Progress | None = None,
) -> EngineResult:
    start = time.perf_counter()
    start_cpu = time.process_time()
    deadline = start + time_limit
    stats = SolveStats(edges=core.n_edges)
    best = Incumbent(core, gap_limit=gap_limit)
    watch = _Watch(on_progress, start, best)
    keep_going = watch.keep_going
    mip = MipSettings(seed, None if on_progress is None else watch.interrupt)
    repairs = _Repairs(core, best, watch)
    huge = is_large(core)  # no LP, no local search, two dual evaluations from zero (see large.py)
    # the LP pays where it can finish: an unfinished master proves little
    fits = not huge and core.n_edges <= LP_EDGES_PER_SECOND * LP_SHARE * time_limit
    lp = solve_lp(core, deadline=start + LP_SHARE * time_limit, seed=seed) if fits else None
    if lp is not None:
        watch.bound = max(watch.bound, lp.bound)
        best.offer(_round(core, lp))
        best.polish(min(deadline, time.perf_counter() + POLISH_SHARE * time_limit), seed)
    # Converged, the LP is the dual's maximum: a few evaluations from its duals give relaxed
    # solutions to repair and merge, and integral edge bounds. Otherwise the dual searches on from
    # the last master's side-row duals (the items' and options' are re-optimised exactly by each
    # evaluation, so the bound there is far above the unfinished LP's), with a share of its own.
    converged = lp is not None and lp.converged
    dual = maximise_dual(
        core,
        candidates,
        deadline=start + (LARGE_DUAL_SHARE if huge else BOUND_SHARE) * time_limit
        if lp is None
        else time.perf_counter() + (0.1 if converged else DUAL_SHARE) * time_limit,
        incumbent=best,
        on_solution=repairs,
        max_evaluations=LARGE_EVALUATIONS if huge else CONVERGED_EVALUATIONS if converged else max_iterations,
        tolerance=gap_limit / 4,  # a bound that may still rise by a quarter of the gap will do
        start=np.zeros(core.n_constraints) if huge else None if lp is None else lp.side_dual,
    )
    if not huge:  # large: the merging MIP finds far better than the push's repair, which costs seconds
        repairs.flush()
    bound = math.ceil(dual.bound - 1e-9) if math.isfinite(dual.bound) else dual.bound
    if lp is not None:
        bound = max(bound, integer_bound(lp.bound))  # the LP's float duals carry HiGHS's tolerance
        np.maximum(dual.edge_bound, lp.edge_bound, out=dual.edge_bound)
        repairs.relaxed.append((lp.bound, np.flatnonzero(lp.x > 1e-6)))
        if not best.proven_by(bound):
            left = min(DIVE_SHARE * time_limit, deadline - time.perf_counter())
            best.offer(_dive(core, lp.x, dual.edge_bound, left, mip))
    best.polish(min(deadline, time.perf_counter() + POLISH_SHARE * time_limit), seed)
    watch.bound = float(bound)
    stats = replace(
        stats,
        iterations=dual.evaluations,
        candidates=dual.candidates,
        bound_seconds=time.perf_counter() - start,
        lagrangian_bound=float(bound),
    )
    if best.used is None:
        best.offer(greedy(core, np.argsort(-core.unassigned_cost, kind="stable")))
    if best.used is None:
        # no feasible start: the exact engine works on every edge, or proves infeasibility; unless
        # it cannot stop in time there (HiGHS's presolve ignores the limit on millions of columns)
        every = np.ones(core.n_edges, bool)
        if core.n_edges > _mip_capacity(deadline - time.perf_counter(), _cpu_share(start, start_cpu)):
            return EngineResult(Status.UNKNOWN, np.zeros(core.n_edges, bool), None, float(bound), stats=stats)
        return _finish(core, every, None, bound, start, time_limit, gap_limit, stats, mip)
    if not best.proven_by(bound) and keep_going():
        # Solution merging: the relaxed solutions at the best multipliers are each optimal for
        # prices close to the LP's, and the union of their edges holds a feasible solution close
        # to the bound, which a MIP over those few thousand edges finds (costs tie a lot, so the
        # edges within reach of the bound are ten times as many).
        pool = _merge_pool(core, repairs.relaxed) | best.used
        left = deadline - time.perf_counter()
        if pool.sum() <= _mip_capacity(0.5 * left, _cpu_share(start, start_cpu)):
            local = solve_mip(
                core,
                pool,
                time_limit=min(0.5 * left, MERGE_SHARE * time_limit),
                gap_limit=gap_limit,
                start=best.used,
                settings=mip,
            )
            stats = replace(stats, merged_edges=int(pool.sum()))
            best.offer(local.used if local.objective is not None else None)
            best.polish(min(deadline, time.perf_counter() + POLISH_SHARE * time_limit), seed)
    stats = replace(stats, merge_incumbent=float(best.objective))

    def kept() -> BoolArray:
        assert best.used is not None
        return (dual.edge_bound <= best.objective - 1 + 1e-9) | best.used

    def exact_fits() -> bool:
        left = deadline - time.perf_counter()
        return bool(kept().sum() <= _mip_capacity(left, _cpu_share(start, start_cpu)))

    large = not exact_fits()

    def lns_step() -> bool:
        return keep_going() and (not large or not exact_fits())

    if not best.proven_by(bound) and keep_going():
        # Improve the incumbent by large-neighbourhood search: where too many edges survive to
        # prove optimality in the time left, until it is good enough for fixing to leave a
        # provable MIP; otherwise for a share of the time, as the exact MIP's start.
        floor = bound + gap_limit * abs(bound)
        t0 = time.perf_counter()
        left = deadline - t0
        # before an exact MIP that fits, search about twice as long as that MIP is expected to take
        expected = float(kept().sum()) / max(1, MIP_EDGES_PER_SECOND)
        until = deadline - 0.02 * time_limit if large else t0 + min(SEARCH_SHARE * left, 2 * expected)
        patience = None if large else SEARCH_PATIENCE
        steps = improve(core, best, dual.edge_bound, floor, until, lns_step, mip, patience)

        def search_on() -> bool:
            return keep_going() and not exact_fits()

        # the MIP may stop fitting as the time runs out: the search then takes the rest
        while (
            not best.proven_by(bound) and search_on() and time.perf_counter() < deadline - 0.05 * time_limit
        ):
            more = improve(core, best, dual.edge_bound, floor, deadline - 0.02 * time_limit, search_on, mip)
            steps += more
            if not more:
                break
        best.polish(min(deadline - 0.02 * time_limit, time.perf_counter() + POLISH_SHARE * time_limit), seed)
        stats = replace(stats, lns_steps=steps, lns_seconds=time.perf_counter() - t0)
    assert best.used is not None
    incumbent, best_ub = best.used, best.objective
    stats = replace(stats, incumbent=float(best_ub))
    if best.proven_by(bound):
        status = Status.OPTIMAL if best_ub <= bound else Status.FEASIBLE
        stats = replace(stats, kept_edges=int(incumbent.sum()))
        return EngineResult(status, incumbent, int(best_ub), float(min(bound, best_ub)), stats=stats)
    keep = kept()
    stats = replace(stats, kept_edges=int(keep.sum()))
    if not exact_fits() or watch.stopped:
        # too many edges survive to prove optimality in the time left: report the proven gap
        return EngineResult(Status.FEASIBLE, incumbent, int(best_ub), float(bound), stats=stats)
    return _finish(core, keep, incumbent, bound, start, time_limit, gap_limit, stats, mip)


def _round(core: Core, lp: LpBound) -> BoolArray | None:
    """The LP's solution made integral: its edges at more than a half, repaired, with the gaps
    filled by the cheapest edges at the LP's side-constraint prices."""
    priced = core.edge_cost * SCALE
    if core.n_constraints:
        priced = priced - np.rint(SCALE * (core.constraint_matrix.T @ lp.side_dual)).astype(np.int64)
    return _repair(core, lp.x > 0.5, priced)


def _dive(
    core: Core, x: NDArray[np.float64], rank: NDArray[np.float64], time_limit: float, mip: MipSettings
) -> BoolArray | None:
    """The LP's integral part kept and the rest re-solved exactly: a basic LP solution has only
    a few hundred fractional items (about as many as the side rows allow), and a MIP over their
    few best edges by ``rank`` (their fixing bounds), the others fixed, finds an integral
    completion near the bound."""
    if time_limit <= 0.05:
        return None
    fixed = x > 1 - 1e-6
    free = np.ones(core.n_items, bool)
    free[core.edge_item[fixed]] = False
    if not free.any():
        return fixed  # the incumbent checks it: slack columns may have met a minimum
    edges = cheapest_per_item(core, rank, DIVE_EDGES, free[core.edge_item]) | (
        (x > 1e-6) & free[core.edge_item]
    )
    sub, _ = solve_restricted(core, edges, free, *left_by(core, fixed), time_limit, settings=mip)
    return None if sub is None else fixed | sub


def _merge_pool(core: Core, relaxed: list[tuple[float, NDArray[np.int64]]]) -> BoolArray:
    """The edges of the relaxed solutions with the best bounds."""
    pool = np.zeros(core.n_edges, bool)
    for _, used in sorted(relaxed, key=lambda r: -r[0])[:MERGE_SOLUTIONS]:
        pool[used] = True
    return pool


def _mip_capacity(seconds_left: float, cpu_share: float = 1.0) -> float:
    """How many edges the exact MIP may take on: HiGHS needs ~5 s per 100k edges on a core of its
    own, and it checks its time limit only between phases, so a model too large would overrun the
    limit; on a busy machine the process gets ``cpu_share`` of a core, and HiGHS as much less."""
    return MIP_EDGES_PER_SECOND * cpu_share * max(0.0, seconds_left)


def _cpu_share(start: float, start_cpu: float) -> float:
    """The share of a core this process had since ``start`` (1 on a quiet machine; the solve's own
    threads can lift it above 1, which is not HiGHS's speed), at least a tenth."""
    wall = time.perf_counter() - start
    if wall < 0.2:  # too short to tell
        return 1.0
    return min(1.0, max(0.1, (time.process_time() - start_cpu) / wall))


def _finish(
    core: Core,
    keep: BoolArray,
    incumbent: BoolArray | None,
    bound: float,
    start: float,
    time_limit: float,
    gap_limit: float,
    stats: SolveStats,
    mip: MipSettings,
) -> EngineResult:
    """Solve exactly over the kept edges; their optimum is the whole problem's. The incumbent goes
    in as a cutoff, not as a start: HiGHS proves small models several times faster so (on GAP
    instances 2-3x), and none found below the cutoff proves the incumbent optimal."""
    left = time_limit - (time.perf_counter() - start)
    if keep.sum() > MIP_RESERVE_EDGES:
        left *= 1 - MIP_RESERVE
    best_ub = math.inf if incumbent is None else core.objective(incumbent)
    cutoff = None if incumbent is None else best_ub + 0.5
    exact = solve_mip(core, keep, time_limit=left, gap_limit=gap_limit, settings=mip, cutoff=cutoff)
    bound_seconds = stats.bound_seconds or 0.0
    stats = replace(stats, exact_seconds=time.perf_counter() - start - bound_seconds)
    if exact.status is Status.INFEASIBLE:
        if incumbent is not None:
            # nothing below the cutoff: the incumbent is optimal
            return EngineResult(Status.OPTIMAL, incumbent, int(best_ub), float(best_ub), stats=stats)
        from matcher.assignment.cpsat import explain_infeasible  # CP-SAT loads in a second: only when needed

        why = explain_infeasible(core, keep, max(1.0, time_limit - (time.perf_counter() - start)), mip.seed)
        return EngineResult(Status.INFEASIBLE, exact.used, None, math.inf, why, stats)
    if exact.objective is None:
        if incumbent is None:
            return EngineResult(Status.UNKNOWN, exact.used, None, bound, stats=stats)
        # HiGHS's bound holds for solutions below the cutoff; the incumbent caps it
        proven = max(bound, min(integer_bound(exact.bound), best_ub))
        status = Status.OPTIMAL if proven >= best_ub else Status.FEASIBLE
        return EngineResult(status, incumbent, int(best_ub), proven, stats=stats)
    used, objective = exact.used, exact.objective
    if incumbent is not None and best_ub < objective:
        used, objective = incumbent, int(best_ub)
    mip_bound = integer_bound(exact.bound)
    best = min(max(bound, mip_bound), objective)
    status = Status.OPTIMAL if best >= objective else Status.FEASIBLE
    return EngineResult(status, used, objective, best, stats=stats)


def _repair(core: Core, used: BoolArray, priced: NDArray[np.int64]) -> BoolArray | None:
    """Make a relaxed solution feasible: shed load from over-full rows, then fill greedily."""
    used = used.copy()
    if core.n_constraints:
        csr = core.constraint_matrix
        load = csr @ used.astype(np.int64)
        for k in np.flatnonzero(load > core.constraint_upper).tolist():
            lo, hi = csr.indptr[k], csr.indptr[k + 1]
            edges, w = csr.indices[lo:hi], csr.data[lo:hi]
            on = used[edges]
            edges, w = edges[on], w[on]
            # drop first the items that lose least per point of weight by leaving
            loss = (core.unassigned_cost[core.edge_item[edges]] - core.edge_cost[edges]) / np.maximum(w, 1)
            excess = load[k] - core.constraint_upper[k]
            order = np.argsort(loss, kind="stable")
            for e, we in zip(edges[order].tolist(), w[order].tolist(), strict=True):
                if excess <= 0:
                    break
                used[e] = False
                excess -= we
            load = csr @ used.astype(np.int64)
    return greedy(core, _fill_order(core), start=used, rank=priced)


def _fill_order(core: Core) -> NDArray[np.int64]:
    """Items by what leaving them out costs per point of side-constraint weight they take (their
    heaviest edge's), dearest first: scarce capacity goes to whoever loses most without it."""
    heaviest = np.ones(core.n_items)
    if core.n_constraints and core.n_edges:
        per_edge = np.asarray(core.constraint_matrix.sum(axis=0)).ravel()
        has = np.diff(core.indptr) > 0
        starts = core.indptr[:-1][has]
        heaviest[has] = np.maximum.reduceat(per_edge, starts)
    return np.argsort(-core.unassigned_cost / np.maximum(heaviest, 1.0), kind="stable").astype(np.int64)
