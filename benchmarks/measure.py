"""Run one solver on one stored instance in this (fresh) process, and measure it.

``python -m benchmarks.measure INSTANCE.npz SOLVER --time-limit S --repeats R`` prints one JSON
record. A fresh process per solver makes the peak memory its own: the kernel's high-water mark
(``VmHWM``, which sees C allocations that ``tracemalloc`` cannot) is reset after the instance is
loaded, so ``peak_mb`` is the instance plus everything the solver allocated.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import numpy as np

from benchmarks.baselines import SOLVERS, Outcome
from benchmarks.check import violations
from benchmarks.instances import Instance, load

#: Stop repeating once one run took this long: slow runs vary less than the machine's noise.
REPEAT_BELOW_SECONDS = 20.0


def memory_mb(field: str) -> float:
    """``VmHWM`` (peak) or ``VmRSS`` (now) of this process, MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def reset_peak() -> None:
    """Make ``VmHWM`` restart from the current resident size (Linux >= 4.0)."""
    Path("/proc/self/clear_refs").write_text("5")


def evaluate(instance: Instance, outcome: Outcome) -> dict[str, object]:
    """What the report needs of an answer, computed from the edges, not from the solver's claims."""
    record: dict[str, object] = {"status": outcome.status, "note": outcome.note, "stats": outcome.stats}
    bound = outcome.bound
    record["bound"] = bound if np.isfinite(bound) else None
    if outcome.used is None:
        return record
    p = instance.problem
    used = outcome.used
    objective = p.objective(used)
    housed = np.zeros(p.n_items, bool)
    housed[p.edge_item[used]] = True
    travelling = used & instance.travels[p.edge_item]
    record.update(
        objective=objective,
        gap=max(0.0, (objective - bound) / max(1.0, abs(objective))) if np.isfinite(bound) else None,
        housed=int(housed.sum()),
        items=p.n_items,
        mean_travel_min=float(instance.edge_minutes[travelling].mean()) if travelling.any() else None,
        violations=violations(p, used),
    )
    return record


def measure(instance: Instance, solver: str, time_limit: float, repeats: int) -> dict[str, object]:
    run = SOLVERS[solver]
    instance_mb = memory_mb("VmRSS")
    reset_peak()
    times = []
    outcome = None
    for _ in range(max(1, repeats)):
        start = time.perf_counter()
        outcome = run(instance, time_limit)
        times.append(time.perf_counter() - start)
        if times[-1] > REPEAT_BELOW_SECONDS or outcome.status == "skipped":
            break
    assert outcome is not None
    record = evaluate(instance, outcome)
    record.update(
        solver=solver,
        seconds=statistics.median(times),
        times=times,
        peak_mb=memory_mb("VmHWM"),
        instance_mb=instance_mb,
    )
    return record


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.measure")
    parser.add_argument("instance", type=Path)
    parser.add_argument("solver", choices=sorted(SOLVERS))
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    instance = load(args.instance)
    print(json.dumps(measure(instance, args.solver, args.time_limit, args.repeats)))


if __name__ == "__main__":
    main()
