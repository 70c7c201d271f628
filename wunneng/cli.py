"""The ``wunneng`` command: ``match`` and ``schema`` here; each package adds its own subcommands.

``scenarios.cli`` and ``api.cli`` expose ``register(subparsers)``; they are imported only if present,
so the matching core runs without the service's dependencies. Bad input exits with code 2 and one
line naming the record, the field and the reason; no traceback.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path

from matcher import InvalidProblemError, MatchProblem, SolveOptions, match

PLUGINS = ("scenarios.cli", "api.cli")


def fail(message: str) -> int:
    """Print a one-line error and return the usage-error exit code."""
    print(f"wunneng: error: {message}", file=sys.stderr)
    return 2


def cmd_match(args: argparse.Namespace) -> int:
    path = Path(args.input)
    if args.time_limit <= 0:
        return fail("--time-limit must be positive")
    try:
        text = path.read_bytes()
    except OSError as exc:
        return fail(f"{path}: cannot read: {exc.strerror}")
    try:
        problem = MatchProblem.from_json(text)
        result = match(problem, SolveOptions(time_limit=args.time_limit, workers=args.workers))
    except InvalidProblemError as exc:
        return fail(f"{path}: {exc}")
    if args.out:
        Path(args.out).write_text(result.model_dump_json(indent=2) + "\n", encoding="utf-8")
        gap = 0.0 if result.gap is None else 100 * result.gap
        print(
            f"{result.status.value}: {len(result.proposals)} housed, {len(result.unhoused)} unhoused, "
            f"gap {gap:.3f} %, {result.seconds:.2f} s -> {args.out}"
        )
    else:
        print(result.summary())
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    print(json.dumps(MatchProblem.model_json_schema(), indent=2))
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="wunneng", description="Housing-matching optimisation.")
    sub = p.add_subparsers(dest="command", required=True)
    m = sub.add_parser("match", help="propose units for households in an input file")
    m.add_argument("input", help="problem JSON (see `wunneng schema`)")
    m.add_argument("--out", help="write the full result as JSON here instead of printing a table")
    m.add_argument("--time-limit", type=float, default=30.0, help="seconds (default 30)")
    m.add_argument("--workers", type=int, default=2, help="CP-SAT workers (default 2)")
    m.set_defaults(func=cmd_match)
    s = sub.add_parser("schema", help="print the JSON schema of the input file")
    s.set_defaults(func=cmd_schema)
    for name in PLUGINS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return int(args.func(args))
