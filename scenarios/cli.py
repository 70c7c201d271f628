"""``wunneng scenario ...``: run, compare, check specs, print the spec schema and generator parameters.

Bad input (a misspelt key, an unknown commune, a negative count, a missing file) prints one line
naming the file, the field and the reason, and exits with code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from matcher.input_errors import describe
from scenarios.generator import GeneratorParams, generate
from scenarios.kpi import kpi_info
from scenarios.report import table_rows, text_table, warnings, write_report
from scenarios.runner import Bar, by_spec, run_tasks, tasks_for
from scenarios.spec import Spec, SpecError, load_spec, parameter_rows, spec_schema, validate_spec

EXIT_USAGE = 2


def _fail(message: str) -> int:
    print(f"wunneng: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _specs(paths: list[str], scale: float | None, months: int | None) -> list[Spec]:
    specs = []
    for p in paths:
        spec = load_spec(p)
        update: dict[str, Any] = {}
        if scale is not None:
            update["scale"] = scale
        if months is not None:
            update["months"] = months
        if update:
            spec = spec.model_copy(update={"run": spec.run.model_copy(update=update)})
        specs.append(spec)
    names = [s.name for s in specs]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise SpecError(paths[names.index(sorted(dup)[0])], "name", f"two specs are named {sorted(dup)[0]!r}")
    return specs


def _check_args(args: argparse.Namespace) -> str | None:
    if args.seeds < 1:
        return "--seeds must be at least 1"
    if args.jobs is not None and args.jobs < 1:
        return "--jobs must be at least 1"
    if args.scale is not None and not 0 < args.scale <= 10:
        return "--scale must be in (0, 10]"
    if args.months is not None and not 1 <= args.months <= 120:
        return "--months must be in 1..120"
    return None


def _execute(args: argparse.Namespace, paths: list[str], default_out: str) -> int:
    import matplotlib

    matplotlib.use("Agg")  # an entry point: figures are drawn off-screen
    problem = _check_args(args)
    if problem:
        return _fail(problem)
    try:
        specs = _specs(paths, args.scale, args.months)
    except SpecError as exc:
        return _fail(str(exc))
    seeds = list(range(args.seed, args.seed + args.seeds))
    tasks = tasks_for(specs, seeds)
    started = time.perf_counter()
    outcomes = run_tasks(tasks, args.jobs, Bar("wunneng scenario"))
    wall = time.perf_counter() - started
    out = Path(args.out or default_out)
    title = "wunneng: " + " vs ".join(s.name for s in specs)
    report = write_report(out, specs, outcomes, title)
    runs = by_spec(outcomes)
    ordered = {s.name: runs[s.name] for s in specs}
    print(text_table(table_rows(ordered)))
    for w in warnings(ordered):
        print(f"wunneng: note: {w}", file=sys.stderr)
    cpu = sum(o.seconds for o in outcomes)
    print(
        f"\n{len(tasks)} runs ({len(specs)} spec(s) x {len(seeds)} seed(s)) in {wall:.1f} s wall, "
        f"{cpu:.1f} s of simulation; report: {report}"
    )
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    return _execute(args, [args.spec], f"scenario-runs/{Path(args.spec).stem}")


def cmd_compare(args: argparse.Namespace) -> int:
    if len(args.specs) < 2:
        return _fail("compare needs at least two spec files")
    name = "-vs-".join(Path(p).stem for p in args.specs[:3])
    return _execute(args, args.specs, f"scenario-runs/compare-{name}")


def cmd_sweep(args: argparse.Namespace) -> int:
    """Vary named parameters over ranges (Latin hypercube or Sobol), run every sample with the same
    seeds on the local pool or a Ray cluster, and report which assumptions move which results."""
    import matplotlib

    matplotlib.use("Agg")  # an entry point: figures are drawn off-screen
    from scenarios.sweep import SWEEP_KPIS, Parameter, design, executor, run_sweep
    from scenarios.sweep_report import write_sweep

    problem = _check_args(args)
    if problem:
        return _fail(problem)
    if args.samples < 1:
        return _fail("--samples must be at least 1")
    try:
        params = [Parameter.parse(t) for t in args.param]
        base = _specs([args.spec], args.scale, args.months)[0]
        indicators = [i for i in (args.indicators or ",".join(SWEEP_KPIS)).split(",") if i]
        for name in indicators:
            kpi_info(name)
    except (ValueError, SpecError) as exc:
        return _fail(str(exc))
    except KeyError as exc:
        return _fail(f"--indicators: unknown indicator {exc.args[0]!r}")
    if not params:
        return _fail("sweep needs at least one --param path=low:high")
    points = design(params, args.design, args.samples, seed=args.seed)
    seeds = list(range(args.seed, args.seed + args.seeds))
    out = Path(args.out or f"scenario-runs/sweep-{Path(args.spec).stem}")
    try:
        runner = executor(args.executor, jobs=args.jobs, address=args.address)
        started = time.perf_counter()
        bar = Bar("wunneng sweep")
        result = run_sweep(base, params, points, seeds, out / "runs", runner, bar, kind=args.design)
    except (RuntimeError, SpecError) as exc:
        return _fail(str(exc))
    wall = time.perf_counter() - started
    report = write_sweep(out, result, indicators, f"wunneng sweep: {base.name}")
    ran = len(result.outcomes) - result.reused
    print(
        f"{len(points)} samples x {len(seeds)} seeds: {ran} runs in {wall:.1f} s wall "
        f"({result.reused} reused, {len(result.failures)} failed); report: {report}"
    )
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    try:
        for p in args.specs:
            spec = load_spec(p)
            print(f"{p}: ok ({spec.name}: {len(spec.changes)} change(s))")
    except SpecError as exc:
        return _fail(str(exc))
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    print(json.dumps(spec_schema(), indent=2))
    return 0


def cmd_params(args: argparse.Namespace) -> int:
    """Every world parameter of a spec (default: the built-in defaults) as a Markdown table: name,
    value, and its source or "assumption" with the reason."""
    try:
        spec = load_spec(args.spec) if args.spec else validate_spec({"name": "defaults"})
    except SpecError as exc:
        return _fail(str(exc))
    print("| parameter | value | meaning and source |\n|---|---|---|")
    for name, value, help_ in parameter_rows(spec):
        print(f"| `{name}` | {value.replace('|', '/')} | {help_.replace('|', '/')} |")
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    try:
        params = GeneratorParams(households=args.households, units=args.units)
    except ValidationError as exc:
        loc, reason = describe(exc, GeneratorParams)
        return _fail(f"--{loc[0]}: {reason}" if loc else reason)
    problem = generate(params, args.seed)
    text = problem.model_dump_json(indent=2, exclude_defaults=True) + "\n"
    if args.out:
        Path(args.out).write_text(text, "utf-8")
        print(f"{len(problem.households)} households, {len(problem.units)} units -> {args.out}")
    else:
        sys.stdout.write(text)
    return 0


def cmd_hindsight(args: argparse.Namespace) -> int:
    """Every policy as a share of the hindsight optimum, paired by seed (scenarios.benchmark)."""
    from scenarios.benchmark import BATCHES, POLICIES, run_benchmark, summary

    policies = [p.strip() for p in args.policies.split(",") if p.strip()]
    batches = [b.strip() for b in args.batches.split(",") if b.strip()]
    bad = [p for p in policies if p not in POLICIES] + [b for b in batches if b not in BATCHES]
    if bad or not policies or not batches:
        return _fail(
            f"--policies takes {', '.join(POLICIES)}; --batches takes {', '.join(BATCHES)} "
            f"(got {bad[0] if bad else 'none'!r})"
        )
    if args.seeds < 1:
        return _fail("--seeds: must be >= 1")
    try:
        (spec,) = _specs([args.spec], args.scale, args.months)
    except SpecError as exc:
        return _fail(str(exc))
    seeds = list(range(args.seed, args.seed + args.seeds))
    rows = run_benchmark(
        spec,
        seeds,
        policies,
        batches,
        time_limit=args.time_limit,
        progress=lambda m: print(m, file=sys.stderr),
    )
    text = summary(rows)
    print(text)
    if args.out:
        import csv
        import dataclasses

        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        (out / "hindsight.md").write_text(text + "\n", encoding="utf-8")
        with (out / "hindsight.csv").open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["policy", "batch", "seed", "group", "indicator", "value"])
            for r in rows:
                for k, v in dataclasses.asdict(r).items():
                    if k not in ("policy", "batch", "seed", "groups"):
                        w.writerow([r.policy, r.batch, r.seed, "all", k, v])
                for g, v in r.groups.items():
                    w.writerow([r.policy, r.batch, r.seed, g, "housed_share", v])
    return 0


def _run_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", help="directory for report.html, PNGs, kpis.csv (default scenario-runs/...)")
    p.add_argument("--seeds", type=int, default=5, help="seeds per spec (default 5)")
    p.add_argument("--seed", type=int, default=0, help="first seed (default 0)")
    p.add_argument("--jobs", type=int, default=None, help="parallel processes (default: all cores)")
    p.add_argument("--scale", type=float, default=None, help="override run.scale of every spec (e.g. 0.2)")
    p.add_argument("--months", type=int, default=None, help="override run.months of every spec")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``scenario`` and its subcommands to the ``wunneng`` command."""
    sc = sub.add_parser("scenario", help="synthetic Luxembourg scenarios: what-if runs and comparisons")
    ss = sc.add_subparsers(dest="scenario_command", required=True)
    r = ss.add_parser("run", help="one-shot match and simulation of a spec over seeds")
    r.add_argument("spec", help="scenario spec file (TOML), e.g. scenarios/specs/baseline-2026.toml")
    _run_options(r)
    r.set_defaults(func=cmd_run)
    c = ss.add_parser(
        "compare", help="the same seeds through several specs, side by side, with an HTML report"
    )
    c.add_argument("specs", nargs="+", help="spec files; the first is the reference")
    _run_options(c)
    c.set_defaults(func=cmd_compare)
    w = ss.add_parser(
        "sweep", help="vary named parameters (Latin hypercube or Sobol) and show which move which results"
    )
    w.add_argument("spec", help="the base spec file")
    w.add_argument(
        "--param",
        action="append",
        default=[],
        help="a spec parameter and its range, e.g. stock.units=500:900 (repeat for several)",
    )
    w.add_argument("--design", choices=("lhs", "sobol"), default="lhs", help="sampling design (default lhs)")
    w.add_argument(
        "--samples", type=int, default=20, help="lhs: points; sobol: base samples N (N x (2d+2) points)"
    )
    w.add_argument("--indicators", help="comma-separated indicators to summarise (default: a few key ones)")
    w.add_argument("--executor", choices=("local", "ray"), default="local", help="where runs go")
    w.add_argument("--address", help="Ray cluster address host:port (default $WUNNENG_RAY_ADDRESS)")
    _run_options(w)
    w.set_defaults(func=cmd_sweep, seeds=2)
    h = ss.add_parser(
        "hindsight", help="every allocation policy as a share of the hindsight optimum (small scales)"
    )
    h.add_argument("spec", help="scenario spec file (TOML)")
    h.add_argument("--seeds", type=int, default=3, help="seeds (default 3)")
    h.add_argument("--seed", type=int, default=0, help="first seed (default 0)")
    h.add_argument("--scale", type=float, default=0.1, help="run.scale (default 0.1: the MIP stays small)")
    h.add_argument("--months", type=int, default=12, help="run.months (default 12)")
    h.add_argument("--policies", default="myopic,lookahead,first_come", help="comma-separated")
    h.add_argument("--batches", default="monthly,weekly", help="comma-separated: monthly, weekly")
    h.add_argument("--time-limit", type=float, default=300.0, help="hindsight MIP time limit, s")
    h.add_argument("--out", help="directory for hindsight.md and hindsight.csv")
    h.set_defaults(func=cmd_hindsight)
    k = ss.add_parser("check", help="validate spec files")
    k.add_argument("specs", nargs="+")
    k.set_defaults(func=cmd_check)
    s = ss.add_parser("schema", help="print the JSON schema of a spec file")
    s.set_defaults(func=cmd_schema)
    p = ss.add_parser("params", help="print every world parameter, its value and its source (Markdown)")
    p.add_argument("spec", nargs="?", help="a spec file (default: the built-in defaults)")
    p.set_defaults(func=cmd_params)
    g = ss.add_parser("generate", help="write a one-shot problem (matcher input JSON)")
    g.add_argument("--households", type=int, default=40)
    g.add_argument("--units", type=int, default=50)
    g.add_argument("--seed", type=int, default=0)
    g.add_argument("--out", help="file to write (default: stdout)")
    g.set_defaults(func=cmd_generate)
