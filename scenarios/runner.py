"""Run many (spec, seed) pairs in parallel and summarise them over seeds.

The sweep is a list of independent :class:`Task` values and one pure function, :func:`run_task`,
whose argument and result are plain picklable data. Locally they go through a
``concurrent.futures.ProcessPoolExecutor``; the same list can be handed to a distributed engine
unchanged, for example with Ray::

    import ray
    remote = ray.remote(run_task)
    outcomes = ray.get([remote.remote(t) for t in tasks])

Each task solves with one CP-SAT worker so that ``jobs`` processes use ``jobs`` cores.
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from multiprocessing import get_context  # spawn: a fork after the solvers' threads can deadlock

import numpy as np
from scipy import stats

from scenarios.kpi import Outcome, outcome
from scenarios.simulate import simulate
from scenarios.spec import Spec

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Task:
    """One simulation: a validated spec (picklable) and a seed."""

    spec: Spec
    seed: int


def run_task(task: Task) -> Outcome:
    """Simulate one (spec, seed) and compute its indicators. Pure: the same task, the same outcome."""
    started = time.perf_counter()
    state = simulate(task.spec, task.seed)
    return outcome(state, time.perf_counter() - started)


def tasks_for(specs: Sequence[Spec], seeds: Sequence[int]) -> list[Task]:
    """Every spec with every seed: the same seeds through each spec (paired comparisons)."""
    return [Task(spec, seed) for seed in seeds for spec in specs]


def run_tasks(
    tasks: Sequence[Task], jobs: int | None = None, progress: Progress | None = None
) -> list[Outcome]:
    """Run ``tasks`` on ``jobs`` local processes (default: all cores); results in task order."""
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(tasks) or 1))
    out: list[Outcome | None] = [None] * len(tasks)
    if jobs == 1:
        for i, task in enumerate(tasks):
            out[i] = run_task(task)
            if progress:
                progress(i + 1, len(tasks))
    else:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
            futures = {pool.submit(run_task, task): i for i, task in enumerate(tasks)}
            for done, future in enumerate(as_completed(futures), start=1):
                out[futures[future]] = future.result()
                if progress:
                    progress(done, len(tasks))
    return [o for o in out if o is not None]


class Bar:
    """A plain-text progress bar on stderr (redrawn in place on a terminal, else one line per step)."""

    def __init__(self, label: str, width: int = 30) -> None:
        self.label, self.width, self.start = label, width, time.perf_counter()
        self.tty = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        filled = int(self.width * done / max(total, 1))
        line = (
            f"{self.label} [{'#' * filled}{'.' * (self.width - filled)}] {done}/{total} runs "
            f"{time.perf_counter() - self.start:5.1f} s"
        )
        if self.tty:
            print("\r" + line, end="\n" if done == total else "", file=sys.stderr, flush=True)
        else:
            print(line, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------------
# summaries over seeds


@dataclass(frozen=True)
class Estimate:
    """Mean over seeds and a 95 % t-interval (``half`` is NaN with fewer than two finite values).

    ``lo``/``hi`` are the interval's ends clipped to what the indicator can take (no share above
    100 %, no negative waiting time); they equal ``mean -/+ half`` when nothing is clipped.
    """

    mean: float
    half: float
    n: int
    lo: float = math.nan
    hi: float = math.nan

    @property
    def clipped(self) -> bool:
        return not math.isnan(self.half) and (
            self.lo > self.mean - self.half + 1e-12 or self.hi < self.mean + self.half - 1e-12
        )

    def show(self, digits: int = 1) -> str:
        if math.isnan(self.mean):
            return "-"
        if math.isnan(self.half):
            return f"{self.mean:.{digits}f}"
        if self.clipped:
            return f"{self.mean:.{digits}f} [{self.lo:.{digits}f}, {self.hi:.{digits}f}]"
        return f"{self.mean:.{digits}f} ±{self.half:.{digits}f}"

    def tells(self) -> bool:
        """True when the interval excludes zero (a difference one can report)."""
        return not math.isnan(self.half) and (self.lo > 0 or self.hi < 0)

    def seeds_to_tell(self) -> int | None:
        """About how many seeds would make the interval exclude zero, if the mean is real (None: never)."""
        if math.isnan(self.half) or self.mean == 0 or self.n < 2:
            return None
        return max(self.n + 1, math.ceil(self.n * (self.half / abs(self.mean)) ** 2 * 1.1))


def estimate(values: Sequence[float], bounds: tuple[float, float] = (-math.inf, math.inf)) -> Estimate:
    """Mean and 95 % t-interval of the finite ``values``, the interval clipped to ``bounds``."""
    x = np.array([v for v in values if v is not None and math.isfinite(v)], float)
    if x.size == 0:
        return Estimate(math.nan, math.nan, 0)
    mean = float(x.mean())
    if x.size == 1:
        return Estimate(mean, math.nan, 1, mean, mean)
    half = float(stats.t.ppf(0.975, x.size - 1) * x.std(ddof=1) / math.sqrt(x.size))
    lo, hi = bounds
    return Estimate(mean, half, int(x.size), max(lo, mean - half), min(hi, mean + half))


def by_spec(outcomes: Sequence[Outcome]) -> dict[str, list[Outcome]]:
    """Outcomes grouped by spec name, each list sorted by seed."""
    out: dict[str, list[Outcome]] = {}
    for o in outcomes:
        out.setdefault(o.spec, []).append(o)
    return {k: sorted(v, key=lambda o: o.seed) for k, v in out.items()}


def values(runs: Sequence[Outcome], name: str, group: str | None = None) -> list[float]:
    """One indicator over seeds (``group`` selects a per-group indicator)."""
    if group is None:
        return [o.kpis.get(name, math.nan) for o in runs]
    return [o.groups.get(group, {}).get(name, math.nan) for o in runs]


def paired_difference(
    a: Sequence[Outcome],
    b: Sequence[Outcome],
    name: str,
    group: str | None = None,
    bounds: tuple[float, float] = (-math.inf, math.inf),
) -> Estimate:
    """``b - a`` per seed (the same seeds ran through both), then mean and interval; ``bounds`` are the
    indicator's, so the difference lies within ``(lo - hi, hi - lo)``."""
    va = dict(zip([o.seed for o in a], values(a, name, group), strict=True))
    vb = dict(zip([o.seed for o in b], values(b, name, group), strict=True))
    lo, hi = bounds
    return estimate([vb[s] - va[s] for s in va if s in vb], (lo - hi, hi - lo))
