"""The relax-fix-solve path and, beside it on a second thread, one HiGHS MIP over every edge.

On small problems whose side constraints behave like knapsacks, HiGHS's own heuristics sometimes
find in the full model, late in the time, a solution that repairs and neighbourhood searches miss;
and the relaxation path's own exact MIP only starts once the bound and the search have taken
their share. So where the full MIP fits the time (:func:`matcher.assignment.relax.mip_capacity`)
and two workers are allowed, it runs from the start alongside (HiGHS releases the interpreter while
it solves). The answer is the better solution and the better proven bound of the two; whichever
proves optimality first stops the other. The full MIP is never bigger than what HiGHS handles within
its limit, so the solve still ends on time.
"""

from __future__ import annotations

import math
import threading
import time

import numpy as np

from matcher.assignment.core import Core
from matcher.assignment.mip import MipSettings, integer_bound, solve_mip
from matcher.assignment.relax import Progress, RelaxOutcome, mip_capacity, solve_relaxed
from matcher.assignment.result import Status, SubResult

#: Share of the time limit the full MIP gets (HiGHS finishes its current phase after it).
FULL_SHARE = 0.97
#: Share of the exact MIP's size rule (:func:`mip_capacity`) the full MIP may take: it competes for
#: the processor with the relaxation path, and a model too large overruns the limit.
FULL_CAPACITY_SHARE = 0.5


def solve_portfolio(
    core: Core,
    *,
    time_limit: float,
    workers: int,
    seed: int,
    candidates: int = 10,
    gap_limit: float = 0.0,
    on_progress: Progress | None = None,
) -> RelaxOutcome:
    """:func:`solve_relaxed`, with the full MIP on a second thread where it fits (see the module)."""
    if workers < 2 or core.n_edges == 0 or core.n_edges > FULL_CAPACITY_SHARE * mip_capacity(time_limit):
        return solve_relaxed(
            core,
            time_limit=time_limit,
            workers=workers,
            seed=seed,
            candidates=candidates,
            gap_limit=gap_limit,
            on_progress=on_progress,
        )
    start = time.perf_counter()
    main_done = threading.Event()
    full_proved = threading.Event()
    box: list[SubResult] = []

    def full() -> None:
        every = np.ones(core.n_edges, bool)
        settings = MipSettings(seed, stop=main_done.is_set)
        try:
            res = solve_mip(
                core, every, time_limit=FULL_SHARE * time_limit, gap_limit=gap_limit, settings=settings
            )
        except Exception:  # the relaxation path still answers; this arm is only a second chance
            return
        box.append(res)
        if res.status is Status.OPTIMAL:
            full_proved.set()

    def hook(bound: float, incumbent: float | None, seconds: float) -> bool:
        if full_proved.is_set():
            return False
        if on_progress is not None and not on_progress(bound, incumbent, seconds):
            main_done.set()  # the caller's stop ends both
            return False
        return True

    arm = threading.Thread(target=full, name="full-mip", daemon=True)
    arm.start()
    try:
        out = solve_relaxed(
            core,
            time_limit=time_limit,
            workers=workers,
            seed=seed,
            candidates=candidates,
            gap_limit=gap_limit,
            on_progress=hook,
        )
    except BaseException:
        main_done.set()
        arm.join()
        raise
    if out.status in (Status.OPTIMAL, Status.INFEASIBLE):
        main_done.set()
    arm.join(max(0.0, start + time_limit - time.perf_counter()))
    main_done.set()
    arm.join()
    return _better(core, out, box[0] if box else None)


def _better(core: Core, out: RelaxOutcome, full: SubResult | None) -> RelaxOutcome:
    """The better solution of the two and the better of their proven bounds."""
    if full is None or out.status is Status.INFEASIBLE:
        return out
    stats = dict(out.stats)
    stats["full_mip_objective"] = math.inf if full.objective is None else float(full.objective)
    stats["full_mip_bound"] = float(full.bound)
    used, objective = out.used, out.objective
    if full.objective is not None and (objective is None or full.objective < objective):
        used, objective = full.used, full.objective
        stats["full_mip_won"] = 1.0
    if full.status is Status.INFEASIBLE and objective is None:
        return RelaxOutcome(Status.INFEASIBLE, used, None, math.inf, out.conflict, stats)
    full_bound = integer_bound(full.bound)
    bound = max(out.bound, full_bound)
    if objective is None:
        return RelaxOutcome(out.status, used, None, bound, out.conflict, stats)
    bound = min(bound, float(objective))
    status = Status.OPTIMAL if bound >= objective else Status.FEASIBLE
    return RelaxOutcome(status, used, objective, bound, out.conflict, stats)
