"""Sweeps over the assumptions: which parameters move which results.

A sweep varies named spec parameters (dotted paths such as ``stock.units`` or
``population.leave_list_per_month``) over ranges with a sampling design from SALib (Latin
hypercube, or Saltelli's scheme for Sobol indices), runs every sample with the same seeds (common
random numbers) and summarises each indicator by a tornado (mean over the lowest and the highest
quarter of each parameter's range) and, for the Sobol design, first-order and total Sobol indices.

Runs are saved as they finish, one JSON file per run keyed by the hash of its spec and its seed, so
a sweep resumes where it stopped; a run that fails is saved as a failure and reported, and the sweep
goes on. The runs go through an :class:`Executor`: a local process pool by default, or a Ray
cluster (``--executor ray``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import traceback
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context  # spawn: a fork after the solvers' threads can deadlock
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from scenarios.kpi import Outcome
from scenarios.runner import Task, run_task
from scenarios.spec import Spec, SpecError, validate_spec

Progress = Callable[[int, int], None]
#: Indicators the sweep summarises by default.
SWEEP_KPIS = (
    "housed",
    "housed_share",
    "wait_median_months",
    "reception_months_mean",
    "public_cost_per_housed",
)


@dataclass(frozen=True)
class Parameter:
    """A spec parameter (dotted path) and the range a sweep draws it from."""

    path: str
    low: float
    high: float

    @classmethod
    def parse(cls, text: str) -> Parameter:
        """``stock.units=500:900`` -> Parameter("stock.units", 500, 900)."""
        name, sep, bounds = text.partition("=")
        lo, sep2, hi = bounds.partition(":")
        if not sep or not sep2 or not name.strip():
            raise ValueError(f"--param {text!r}: write path=low:high, e.g. stock.units=500:900")
        try:
            low, high = float(lo), float(hi)
        except ValueError:
            raise ValueError(f"--param {text!r}: low and high must be numbers") from None
        if not low < high:
            raise ValueError(f"--param {text!r}: low must be below high")
        return cls(name.strip(), low, high)


def spec_hash(spec: Spec) -> str:
    """A stable hash of everything a run depends on (the name is left out)."""
    data = spec.model_dump(mode="json", exclude={"name", "title", "description", "base"})
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


def with_values(base: Spec, params: Sequence[Parameter], point: Sequence[float], name: str) -> Spec:
    """``base`` with each parameter set to its value (rounded where the field is an integer)."""
    raw = base.model_dump(mode="json", exclude={"base"})
    for p, value in zip(params, point, strict=True):
        *parents, leaf = p.path.split(".")
        target = raw
        for part in parents:
            if not isinstance(target.get(part), dict):
                raise SpecError("<sweep>", p.path, "not a parameter of the spec")
            target = target[part]
        if leaf not in target or isinstance(target[leaf], dict | list | str | bool):
            raise SpecError("<sweep>", p.path, "not a numeric parameter of the spec")
        target[leaf] = round(value) if isinstance(target[leaf], int) else float(value)
    raw["name"] = name
    return validate_spec(raw, "<sweep>")


def design(params: Sequence[Parameter], kind: str, samples: int, seed: int = 0) -> np.ndarray:
    """The sample points, (n, len(params)): ``lhs`` gives ``samples`` points, ``sobol`` Saltelli's
    ``samples x (2 d + 2)``."""
    problem = _problem(params)
    if kind == "lhs":
        from SALib.sample import latin

        return np.asarray(latin.sample(problem, samples, seed=seed))
    if kind == "sobol":
        from SALib.sample import sobol

        return np.asarray(sobol.sample(problem, samples, calc_second_order=True, seed=seed))
    raise ValueError(f"unknown design {kind!r}; one of lhs, sobol")


def _problem(params: Sequence[Parameter]) -> dict[str, Any]:
    return {
        "num_vars": len(params),
        "names": [p.path for p in params],
        "bounds": [[p.low, p.high] for p in params],
    }


# ---------------------------------------------------------------------------------------------------
# executors


@dataclass(frozen=True)
class Done:
    """One finished run: its task index and its outcome, or the error it raised."""

    index: int
    outcome: Outcome | None
    error: str | None = None


def safe_run(task: Task) -> tuple[Outcome | None, str | None]:
    """:func:`run_task`, with a failure returned as text instead of raised (for remote workers)."""
    try:
        return run_task(task), None
    except Exception as exc:
        return None, "".join(traceback.format_exception_only(type(exc), exc)).strip()


class Executor(Protocol):
    """Runs tasks and yields each as it finishes, in any order."""

    def run(self, tasks: Sequence[Task]) -> Iterator[Done]: ...


@dataclass
class LocalExecutor:
    """A process pool on this machine (``jobs`` processes, default all cores)."""

    jobs: int | None = None

    def run(self, tasks: Sequence[Task]) -> Iterator[Done]:
        jobs = max(1, min(self.jobs or os.cpu_count() or 1, len(tasks) or 1))
        if jobs == 1:
            for i, t in enumerate(tasks):
                out, err = safe_run(t)
                yield Done(i, out, err)
            return
        with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
            futures = {pool.submit(safe_run, t): i for i, t in enumerate(tasks)}
            for f in as_completed(futures):
                out, err = f.result()
                yield Done(futures[f], out, err)


@dataclass
class RayExecutor:
    """A Ray cluster at ``address`` (``host:port``; default ``$WUNNENG_RAY_ADDRESS``). Needs the
    optional extra ``wunneng[ray]``; every worker needs wunneng installed (same version)."""

    address: str | None = None

    def run(self, tasks: Sequence[Task]) -> Iterator[Done]:
        try:
            import ray
        except ImportError:
            raise RuntimeError("--executor ray needs Ray: pip install 'wunneng[ray]'") from None
        address = self.address or os.environ.get("WUNNENG_RAY_ADDRESS")
        if not address:
            raise RuntimeError("--executor ray needs --address host:port or WUNNENG_RAY_ADDRESS")
        started = not ray.is_initialized()
        if started:
            ray.init(address=address, log_to_driver=False, logging_level=logging.ERROR)
        try:
            remote = ray.remote(num_cpus=1)(safe_run)
            refs = {remote.remote(t): i for i, t in enumerate(tasks)}
            pending = list(refs)
            while pending:
                ready, pending = ray.wait(pending, num_returns=1)
                for ref in ready:
                    try:
                        out, err = ray.get(ref)
                    except Exception as exc:  # a worker died
                        out, err = None, f"{type(exc).__name__}: {exc}"
                    yield Done(refs[ref], out, err)
        finally:
            if started:
                ray.shutdown()


def executor(kind: str, *, jobs: int | None = None, address: str | None = None) -> Executor:
    if kind == "local":
        return LocalExecutor(jobs)
    if kind == "ray":
        return RayExecutor(address)
    raise ValueError(f"unknown executor {kind!r}; one of local, ray")


# ---------------------------------------------------------------------------------------------------
# the sweep


@dataclass
class SweepResult:
    params: list[Parameter]
    points: np.ndarray  #: (samples, params)
    specs: list[Spec]
    seeds: list[int]
    outcomes: dict[tuple[int, int], Outcome]  #: (sample, seed) -> outcome
    failures: dict[tuple[int, int], str] = field(default_factory=dict)
    reused: int = 0  #: runs found saved from an earlier, interrupted sweep
    kind: str = "lhs"  #: the design the points come from

    def response(self, name: str) -> np.ndarray:
        """Each sample's indicator, mean over its finished seeds (NaN when none finished)."""
        out = np.full(len(self.specs), np.nan)
        for i in range(len(self.specs)):
            runs = [self.outcomes[(i, s)] for s in self.seeds if (i, s) in self.outcomes]
            vals = [v for v in (o.kpis.get(name, math.nan) for o in runs) if math.isfinite(v)]
            if vals:
                out[i] = float(np.mean(vals))
        return out


def run_sweep(
    base: Spec,
    params: Sequence[Parameter],
    points: np.ndarray,
    seeds: Sequence[int],
    store: Path,
    runner: Executor,
    progress: Progress | None = None,
    kind: str = "lhs",
) -> SweepResult:
    """Run every (sample, seed) not yet in ``store``; save each run as it finishes. ``kind`` is the
    design that made ``points`` (Sobol indices need ``sobol``)."""
    store.mkdir(parents=True, exist_ok=True)
    specs = [with_values(base, params, p, f"{base.name}-s{i:04d}") for i, p in enumerate(points)]
    result = SweepResult(list(params), points, specs, list(seeds), {}, kind=kind)
    todo: list[tuple[int, int]] = []
    for i, spec in enumerate(specs):
        for seed in seeds:
            saved = _path(store, spec, seed)
            if saved.exists():
                data = json.loads(saved.read_text("utf-8"))
                result.outcomes[(i, seed)] = Outcome(**{**data, "spec": spec.name})
                result.reused += 1
            else:
                todo.append((i, seed))
    tasks = [Task(specs[i], seed) for i, seed in todo]
    for done, d in enumerate(runner.run(tasks), start=1):
        i, seed = todo[d.index]
        if d.outcome is not None:
            _path(store, specs[i], seed).write_text(json.dumps(asdict(d.outcome), default=float), "utf-8")
            result.outcomes[(i, seed)] = d.outcome
        else:
            result.failures[(i, seed)] = d.error or "failed"
            failed = _path(store, specs[i], seed).with_suffix(".failed.json")
            failed.write_text(json.dumps({"spec": specs[i].name, "seed": seed, "error": d.error}), "utf-8")
        if progress:
            progress(done, len(tasks))
    return result


def _path(store: Path, spec: Spec, seed: int) -> Path:
    return store / f"{spec_hash(spec)}-{seed}.json"


# ---------------------------------------------------------------------------------------------------
# what moves what


@dataclass(frozen=True)
class Tornado:
    """Mean of an indicator over the lowest and the highest quarter of each parameter's draws."""

    indicator: str
    low: dict[str, float]
    high: dict[str, float]
    overall: float


def tornado(result: SweepResult, name: str) -> Tornado:
    y = result.response(name)
    ok = np.isfinite(y)
    low, high = {}, {}
    for k, p in enumerate(result.params):
        x = result.points[ok, k]
        q1, q3 = np.quantile(x, [0.25, 0.75]) if x.size else (math.nan, math.nan)
        low[p.path] = float(np.mean(y[ok][x <= q1])) if x.size else math.nan
        high[p.path] = float(np.mean(y[ok][x >= q3])) if x.size else math.nan
    return Tornado(name, low, high, float(np.mean(y[ok])) if ok.any() else math.nan)


def sobol_indices(result: SweepResult, name: str) -> dict[str, tuple[float, float]] | None:
    """First-order and total Sobol indices of an indicator per parameter (the Sobol design only, and
    only when every sample finished)."""
    from SALib.analyze import sobol

    y = result.response(name)
    d = len(result.params)
    if result.kind != "sobol" or not np.isfinite(y).all() or y.size % (2 * d + 2) or np.ptp(y) == 0:
        return None
    si = sobol.analyze(_problem(result.params), y, calc_second_order=True, print_to_console=False)
    return {p.path: (float(si["S1"][k]), float(si["ST"][k])) for k, p in enumerate(result.params)}
