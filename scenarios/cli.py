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

from scenarios.generator import GeneratorParams, generate
from scenarios.report import table_rows, text_table, write_report
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
    print(text_table(table_rows({s.name: runs[s.name] for s in specs})))
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
        err = exc.errors()[0]
        return _fail(f"--{err['loc'][0]}: {err['msg'].lower()}")
    problem = generate(params, args.seed)
    text = problem.model_dump_json(indent=2, exclude_defaults=True) + "\n"
    if args.out:
        Path(args.out).write_text(text, "utf-8")
        print(f"{len(problem.households)} households, {len(problem.units)} units -> {args.out}")
    else:
        sys.stdout.write(text)
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
