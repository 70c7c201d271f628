"""The benchmark suite: build every instance once, run every solver on it in a fresh process, and
write the records as JSON and the comparison as Markdown."""

from __future__ import annotations

import json
import math
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.instances import VARIANTS, InstanceSpec, build, save
from benchmarks.report import markdown

ALL_SOLVERS = ("wunneng", "wunneng_gap", "fcfs", "dense_lsa", "cpsat", "mip")
#: A solver process may not use more address space than this (it fails alone instead of the machine).
MEMORY_CAP_BYTES = 10 * 2**30


@dataclass(frozen=True)
class Scale:
    name: str
    households: int
    units: int
    seeds: tuple[int, ...]
    solvers: tuple[str, ...] = ALL_SOLVERS
    regions: int = 1
    repeats: int = 3


SCALES = {
    "S": Scale("S", 200, 250, (0, 1, 2)),
    "M": Scale("M", 2_000, 2_500, (0, 1, 2)),
    "L": Scale("L", 10_000, 12_000, (0, 1)),
    # five Luxembourg-sized regions: 50,000 x 60,000 at the pair density of L; direct models cannot fit
    "XL": Scale("XL", 50_000, 60_000, (0,), ("wunneng_gap", "fcfs"), regions=5, repeats=1),
}
QUICK = (Scale("S", 200, 250, (0,)),)


@dataclass(frozen=True)
class Settings:
    scales: tuple[Scale, ...]
    time_limit: float = 60.0
    solvers: tuple[str, ...] = ALL_SOLVERS
    repeats: int | None = None  #: overrides each scale's repeats


def specs(scale: Scale) -> list[InstanceSpec]:
    return [
        InstanceSpec(scale.name, scale.households, scale.units, variant, seed, scale.regions)
        for seed in scale.seeds
        for variant in VARIANTS
    ]


def run_solver(path: Path, solver: str, time_limit: float, repeats: int) -> dict[str, object]:
    """One solver on one stored instance, in a child process with a wall-clock and memory cap."""
    command = [
        sys.executable,
        "-m",
        "benchmarks.measure",
        str(path),
        solver,
        "--time-limit",
        str(time_limit),
        "--repeats",
        str(repeats),
    ]
    wall = 4 * time_limit + 120

    def cap_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP_BYTES, MEMORY_CAP_BYTES))

    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=wall, preexec_fn=cap_memory)
    except subprocess.TimeoutExpired:
        return {"solver": solver, "status": "timeout", "note": f"killed after {wall:.0f} s"}
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        status = "out of memory" if "MemoryError" in done.stderr else "error"
        return {"solver": solver, "status": status, "note": last[:200]}
    record: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return record


def compare(records: list[dict[str, object]]) -> None:
    """Add the best bound of the run, each solver's gap to it, and wunneng / solver ratios."""
    bounds = [float(b) for r in records if isinstance(b := r.get("bound"), int | float)]
    best = max(bounds, default=-math.inf)
    for r in records:
        obj = r.get("objective")
        if isinstance(obj, int) and math.isfinite(best):
            r["gap_to_best_bound"] = max(0.0, (obj - best) / max(1.0, abs(obj)))
    ours = next((r for r in records if r["solver"] == "wunneng"), None)
    if ours is None:
        return
    for r in records:
        if "objective" not in r:
            continue  # skipped or failed: nothing to compare
        ratios = {}
        for key in ("seconds", "peak_mb", "objective"):
            a, b = ours.get(key), r.get(key)
            if isinstance(a, int | float) and isinstance(b, int | float) and b:
                ratios[key] = a / b
        r["wunneng_over"] = ratios


def run(settings: Settings, out: Path, log: bool = True) -> dict[str, object]:
    """Run the suite and write ``results.json`` and ``results.md`` into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    instances: list[dict[str, object]] = []
    started = time.perf_counter()
    host = machine()  # before the first solve: the commit measured is the one at the start
    with tempfile.TemporaryDirectory(prefix="wunneng-bench-") as tmp:
        for scale in settings.scales:
            solvers = [s for s in scale.solvers if s in settings.solvers]
            for spec in specs(scale):
                t0 = time.perf_counter()
                instance = build(spec)
                built = time.perf_counter() - t0
                path = Path(tmp) / f"{spec.name}.npz"
                save(instance, path)
                p = instance.problem
                entry: dict[str, object] = {
                    **asdict(spec),
                    "name": spec.name,
                    "items": p.n_items,
                    "options": p.n_options,
                    "edges": p.n_edges,
                    "constraints": p.n_constraints,
                    "build_seconds": built,
                }
                del instance, p
                repeats = settings.repeats or scale.repeats
                records = []
                for solver in solvers:
                    record = run_solver(path, solver, settings.time_limit, repeats)
                    records.append(record)
                    if log:
                        print(_line(spec.name, record), file=sys.stderr, flush=True)
                path.unlink()
                compare(records)
                entry["runs"] = records
                instances.append(entry)
                _write(out, settings, host, instances, time.perf_counter() - started)
    return _write(out, settings, host, instances, time.perf_counter() - started)


def _write(
    out: Path, settings: Settings, host: dict[str, object], instances: list[dict[str, object]], seconds: float
) -> dict[str, object]:
    result: dict[str, object] = {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": host,
        "time_limit": settings.time_limit,
        "suite_seconds": seconds,
        "instances": instances,
    }
    (out / "results.json").write_text(json.dumps(result, indent=1))
    (out / "results.md").write_text(markdown(result))
    return result


def merge(parts: Sequence[Path], out: Path) -> dict[str, object]:
    """Several runs' ``results.json`` (e.g. S+M, then L, then XL) as one JSON and one Markdown."""
    loaded = [json.loads((p / "results.json").read_text()) for p in parts]
    for run_result in loaded:
        for instance in run_result["instances"]:
            for record in instance["runs"]:
                record.pop("wunneng_over", None)
            compare(instance["runs"])
    result = {
        **loaded[0],
        "suite_seconds": sum(r["suite_seconds"] for r in loaded),
        "instances": [i for r in loaded for i in r["instances"]],
        "merged_from": [{"created": r["created"], "commit": r["machine"].get("commit")} for r in loaded],
    }
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(result, indent=1))
    (out / "results.md").write_text(markdown(result))
    return result


def machine() -> dict[str, object]:
    return {
        "commit": _commit(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": _cpu_model(),
    }


def _commit() -> str:
    """The commit measured, marked ``+changes`` if the matcher differs from it."""
    root = Path(__file__).parents[1]
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "matcher"], cwd=root, capture_output=True, text=True
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" +changes in matcher/" if dirty.stdout.strip() else "")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def _line(name: str, r: dict[str, object]) -> str:
    sec = r.get("seconds")
    timing = f"{sec:.2f} s" if isinstance(sec, float) else "-"
    return f"{name:<18} {r['solver']:<10} {r['status']:<10} {timing:>10}  objective {r.get('objective')}"


def settings_for(
    quick: bool,
    scales: Sequence[str] | None,
    seeds: int | None,
    time_limit: float | None,
    solvers: Sequence[str] | None,
    repeats: int | None,
) -> Settings:
    chosen = QUICK if quick else tuple(SCALES[s] for s in (scales or SCALES))
    if seeds is not None:
        chosen = tuple(replace(s, seeds=tuple(range(seeds))) for s in chosen)
    return Settings(
        chosen,
        time_limit=time_limit or (10.0 if quick else 60.0),
        solvers=tuple(solvers or ALL_SOLVERS),
        repeats=repeats,
    )
