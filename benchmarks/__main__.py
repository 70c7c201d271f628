"""``python -m benchmarks run | families | scale | merge DIR... | orlib gap FILE | orlib assign FILE``."""

from __future__ import annotations

import argparse
from pathlib import Path

from benchmarks import orlib, scale
from benchmarks.families import KNOWN_FAMILIES
from benchmarks.family_suite import SOLVERS as FAMILY_SOLVERS
from benchmarks.family_suite import run_families, settings_from
from benchmarks.suite import ALL_SOLVERS, SCALES, merge, run, settings_for


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    sub = top.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="the suite: every solver on every instance, JSON and Markdown")
    r.add_argument("--quick", action="store_true", help="S, one seed, 10 s limits (about a minute)")
    r.add_argument("--out", type=Path, default=Path("benchmark-results"))
    r.add_argument("--scales", type=lambda s: s.split(","), help=f"comma-separated, of {','.join(SCALES)}")
    r.add_argument("--seeds", type=int, help="seeds per scale (default: the scale's own)")
    r.add_argument("--time-limit", type=float, help="per solver run, seconds (default 60; quick 10)")
    r.add_argument(
        "--solvers", type=lambda s: s.split(","), help=f"comma-separated, of {','.join(ALL_SOLVERS)}"
    )
    r.add_argument("--repeats", type=int, help="repeats per solver run (default: the scale's own)")
    f = sub.add_parser("families", help="the instance families of issue 17, every solver, one table each")
    f.add_argument(
        "--families",
        type=lambda s: s.split(","),
        help=f"comma-separated, of {','.join(KNOWN_FAMILIES)} (default: all but national)",
    )
    f.add_argument("--sizes", type=lambda s: [int(v) for v in s.split(",")], help="items (default 200,1000)")
    f.add_argument("--seeds", type=int, help="seeds per family and size (default 1)")
    f.add_argument("--time-limit", type=float, help="per solver run, seconds (default 10)")
    f.add_argument("--solvers", type=lambda s: s.split(","), help=f"of {','.join(FAMILY_SOLVERS)}")
    f.add_argument("--out", type=Path, default=Path("benchmark-results/families"))
    s = sub.add_parser("scale", help="one large instance: build, presolve, solve, each timed and measured")
    s.add_argument("--family", default="housing", help=f"of {','.join(KNOWN_FAMILIES)} but orlib")
    s.add_argument("--size", type=int, default=10_000, help="items")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--time-limit", type=float, default=60.0, help="of the solve, seconds")
    s.add_argument("--out", type=Path, help="also write the JSON record here")
    m = sub.add_parser("merge", help="several runs' results as one table")
    m.add_argument("dirs", type=Path, nargs="+", help="folders holding results.json")
    m.add_argument("--out", type=Path, default=Path("benchmark-results"))
    o = sub.add_parser("orlib", help="OR-Library problems through matcher's generic layer")
    kinds = o.add_subparsers(dest="kind", required=True)
    g = kinds.add_parser("gap", help="generalised assignment, either file format")
    g.add_argument("file", type=Path)
    g.add_argument("--sense", choices=["min", "max"], default="min")
    g.add_argument("--time-limit", type=float, default=10.0)
    a = kinds.add_parser("assign", help="linear assignment")
    a.add_argument("file", type=Path)
    a.add_argument("--time-limit", type=float, default=10.0)
    return top


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    if args.command == "run":
        unknown = set(args.scales or ()) - set(SCALES) or set(args.solvers or ()) - set(ALL_SOLVERS)
        if unknown:
            raise SystemExit(f"unknown scale or solver: {', '.join(sorted(unknown))}")
        settings = settings_for(
            args.quick, args.scales, args.seeds, args.time_limit, args.solvers, args.repeats
        )
        run(settings, args.out)
        print(f"wrote {args.out / 'results.json'} and {args.out / 'results.md'}")
    elif args.command == "families":
        unknown = set(args.families or ()) - set(KNOWN_FAMILIES)
        if unknown:
            raise SystemExit(f"unknown family: {', '.join(sorted(unknown))}")
        run_families(
            settings_from(args.families, args.sizes, args.seeds, args.time_limit, args.solvers), args.out
        )
        print(f"wrote {args.out / 'results.json'} and {args.out / 'results.md'}")
    elif args.command == "scale":
        if args.family not in KNOWN_FAMILIES or args.family == "orlib":
            raise SystemExit(f"unknown family: {args.family}")
        scale.main(args.family, args.size, args.seed, args.time_limit, args.out)
    elif args.command == "merge":
        merge(args.dirs, args.out)
        print(f"wrote {args.out / 'results.json'} and {args.out / 'results.md'}")
    elif args.kind == "gap":
        orlib.print_lines(orlib.solve_gap_file(args.file, args.sense, args.time_limit))
    else:
        orlib.print_lines(orlib.solve_assign_file(args.file, args.time_limit))


if __name__ == "__main__":
    main()
