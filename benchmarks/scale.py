"""One large instance, built, presolved and solved in this process, each phase timed (issue 17).

``python -m benchmarks scale --family housing --size 10000 --time-limit 60`` prints one JSON record
(and writes it to ``--out`` if given), then a one-line summary. Build time counts towards the
targets, so it is measured like the solve: wall seconds and the peak resident memory of the process
(``VmHWM``, reset before each phase, so each phase's peak is its own plus what earlier phases left).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from benchmarks.families import build, density
from benchmarks.measure import memory_mb, reset_peak
from matcher.assignment.core import Conflict, presolve
from matcher.assignment.solve import SolveOptions, solve

T = TypeVar("T")
Record = dict[str, Any]


def _phase(record: Record, name: str, work: Callable[[], T]) -> T:
    """Run ``work``, recording its wall seconds and the process's peak memory during it."""
    reset_peak()
    start = time.perf_counter()
    value = work()
    record[f"{name}_seconds"] = round(time.perf_counter() - start, 3)
    record[f"{name}_peak_mb"] = round(memory_mb("VmHWM"), 1)
    return value


def run_scale(family: str, size: int, seed: int, time_limit: float) -> Record:
    """Build, presolve and solve one instance; the record of what each phase took."""
    record: Record = {"family": family, "size": size, "seed": seed, "time_limit": time_limit}
    instance = _phase(record, "build", lambda: build(family, size, seed))
    problem = instance.problem
    record.update(
        items=problem.n_items,
        options=problem.n_options,
        pairs=problem.n_edges,
        density=round(density(problem), 4),
        constraints=problem.n_constraints,
    )
    core = _phase(record, "presolve", lambda: presolve(problem))
    if not isinstance(core, Conflict):
        record["core_edges"] = core.n_edges
        record["core_constraints"] = core.n_constraints
    del core
    solution = _phase(record, "solve", lambda: solve(problem, SolveOptions(time_limit=time_limit)))
    record.update(
        status=solution.status.value,
        method=solution.method,
        objective=solution.objective,
        bound=solution.bound,
        gap=solution.gap,
        assigned=int((solution.edge_of_item >= 0).sum()),
        total_seconds=round(
            record["build_seconds"] + record["presolve_seconds"] + record["solve_seconds"], 3
        ),
        peak_mb=max(record["build_peak_mb"], record["presolve_peak_mb"], record["solve_peak_mb"]),
    )
    return record


def summary(record: Record) -> str:
    gap = "-" if record["gap"] is None else f"{100 * record['gap']:.2f} %"
    return (
        f"{record['family']} {record['size']}: {record['pairs']:,} pairs; "
        f"build {record['build_seconds']:.1f} s / {record['build_peak_mb'] / 1024:.2f} GB, "
        f"presolve {record['presolve_seconds']:.2f} s, "
        f"solve {record['solve_seconds']:.1f} s, {record['status']}, gap {gap}, "
        f"peak {record['peak_mb'] / 1024:.2f} GB"
    )


def main(family: str, size: int, seed: int, time_limit: float, out: Path | None) -> None:
    record = run_scale(family, size, seed, time_limit)
    text = json.dumps(record)
    print(text)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text + "\n")
    print(summary(record))
