"""The ``wunneng`` command: one dispatcher over the packages' subcommands.

``match``, ``schema`` and ``warmup`` live here; ``scenario`` (``scenarios.cli``) and ``serve``
(``api.cli``) are plugins exposing ``register(subparsers)``, imported only when their command runs,
so that ``--help`` and ``match`` load nothing they do not need and the matcher runs without the
service's dependencies. Everything heavy is imported inside the command that needs it.

Exit codes: 0 a solution (or the requested output) was printed; 2 bad input or usage, one line
naming the record, the field and the reason, no traceback; 3 the problem is infeasible or no
solution was found (the answer, with its reasons, is still printed). `replay` exits 1 when the
second solve differs from the stored run.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import os
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matcher.result import MatchResult

EXIT_USAGE = 2
EXIT_NO_SOLUTION = 3
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a reader that stopped early


@dataclass(frozen=True)
class Plugin:
    module: str
    help: str
    extra: str  #: the install extra that brings the plugin's dependencies


PLUGINS = {
    "scenario": Plugin(
        "scenarios.cli", "synthetic Luxembourg scenarios: what-if runs and comparisons", "scenarios"
    ),
    "serve": Plugin("api.cli", "run the HTTP service (API under /v1, docs at /docs)", "service"),
    "db": Plugin("api.cli", "database maintenance: apply migrations", "service"),
    "admin": Plugin("api.cli", "administration: the first platform admin key", "service"),
    "replay": Plugin("api.replay_cli", "solve a stored run again and compare (for an appeal)", "service"),
}


PROJECT = {"matcher", "scenarios", "api", "wunneng", "benchmarks"}


class UsageError(Exception):
    """Bad input or usage: printed as one line, exit code 2."""


def say(args: argparse.Namespace, text: str) -> None:
    """A line for the person at the terminal (stderr), unless ``-q``."""
    if not args.quiet:
        print(text, file=sys.stderr)


def read_input(name: str) -> tuple[bytes, str]:
    """The bytes of ``name`` (``-``: standard input) and how to call it in messages."""
    if name == "-":
        return sys.stdin.buffer.read(), "<stdin>"
    try:
        return Path(name).read_bytes(), name
    except OSError as exc:
        raise UsageError(f"{name}: cannot read: {exc.strerror}") from None


def cmd_match(args: argparse.Namespace) -> int:
    from matcher import InvalidProblemError, MatchProblem, SolveOptions, Status, match

    text, source = read_input(args.input)
    try:
        options = SolveOptions(time_limit=args.time_limit, workers=args.workers, seed=args.seed)
        problem = MatchProblem.from_json(text)
        result = match(problem, options)
    except InvalidProblemError as exc:
        where = "" if exc.record == "options" else f"{source}: "
        field = f"--{exc.field.replace('_', '-')}: {exc.reason}" if exc.record == "options" else exc
        raise UsageError(f"{where}{field}") from None
    if args.verbose:
        stats = ", ".join(f"{k} {v:g}" for k, v in sorted(result.stats.items()))
        print(f"method {result.method} | {stats}", file=sys.stderr)
    if args.out:
        Path(args.out).write_text(result.model_dump_json(indent=2) + "\n", encoding="utf-8")
        gap = 0.0 if result.gap is None else 100 * result.gap
        say(
            args,
            f"{result.status.value}: {len(result.proposals)} housed, {len(result.unhoused)} unhoused, "
            f"gap {gap:.3f} %, {result.seconds:.2f} s -> {args.out}",
        )
    if args.format == "json":
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
    elif args.format == "csv":
        write_csv(result)
    elif not args.out:
        print(result.summary())
    if result.status in (Status.OPTIMAL, Status.FEASIBLE):
        return 0
    why = f" ({result.conflict})" if result.conflict else ""
    say(args, f"wunneng: no solution: {result.status.value}{why}")
    return EXIT_NO_SOLUTION


def write_csv(result: MatchResult) -> None:
    """One row per household: its unit and fit cost, or why it is unhoused."""
    import csv

    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["household", "unit", "cost", "reason", "detail"])
    for p in result.proposals:
        out.writerow([p.household, p.unit, p.cost, "", p.explanation])
    for u in result.unhoused:
        out.writerow([u.household, "", "", u.reason.value, u.detail])


def cmd_schema(args: argparse.Namespace) -> int:
    import json

    from matcher.instance import MatchProblem

    print(json.dumps(MatchProblem.model_json_schema(), indent=2))
    return 0


def cmd_warmup(args: argparse.Namespace) -> int:
    import time

    from matcher.warmup import warm_up

    start = time.perf_counter()
    warm_up()
    say(args, f"solver kernels compiled and cached in {time.perf_counter() - start:.1f} s")
    return 0


def version() -> str:
    try:
        return metadata.version("wunneng")
    except metadata.PackageNotFoundError:
        return "unknown"


def parser(command: str | None) -> argparse.ArgumentParser:
    """The parser; only ``command``'s plugin (if it is one) is imported to add its own options."""
    p = argparse.ArgumentParser(prog="wunneng", description="Housing-matching optimisation.")
    p.add_argument("--version", action="version", version=f"wunneng {version()}")
    _talk(p, False)
    # -q / -v are accepted after the command too (``wunneng match x.json -q``)
    after = argparse.ArgumentParser(add_help=False)
    _talk(after, argparse.SUPPRESS)
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    m = sub.add_parser("match", parents=[after], help="propose units for households in an input file")
    m.add_argument("input", help="problem JSON (see `wunneng schema`); - reads standard input")
    m.add_argument("--out", help="also write the full result as JSON to this file")
    m.add_argument(
        "--format",
        choices=("table", "json", "csv"),
        default="table",
        help="standard output: a readable table (default), the full result as JSON, or CSV rows",
    )
    m.add_argument("--time-limit", type=float, default=30.0, help="seconds (default 30)")
    m.add_argument("--workers", type=int, default=2, help="solver threads (default 2)")
    m.add_argument("--seed", type=int, default=0, help="random seed of the search (default 0)")
    m.set_defaults(func=cmd_match)
    s = sub.add_parser("schema", parents=[after], help="print the JSON schema of the input file")
    s.set_defaults(func=cmd_schema)
    w = sub.add_parser(
        "warmup", parents=[after], help="compile the solver's kernels now (run once after installing)"
    )
    w.set_defaults(func=cmd_warmup)

    wanted = PLUGINS.get(command or "")
    for name, plugin in PLUGINS.items():
        if wanted is None or plugin.module != wanted.module:  # the wanted module registers its own
            sub.add_parser(name, help=plugin.help, add_help=False)
    if wanted is not None:
        try:
            module = importlib.import_module(wanted.module)
        except ModuleNotFoundError as exc:
            raise UsageError(_needs(str(command), str(exc.name), wanted)) from None
        module.register(sub)
    return p


def _needs(command: str, module: str, plugin: Plugin) -> str:
    return f"`wunneng {command}` needs {module}: pip install 'wunneng[{plugin.extra}]'"


def _talk(p: argparse.ArgumentParser, default: object) -> None:
    talk = p.add_mutually_exclusive_group()
    talk.add_argument(
        "-q", "--quiet", action="store_true", default=default, help="print only results and errors"
    )
    talk.add_argument(
        "-v", "--verbose", action="store_true", default=default, help="also print the solver's figures"
    )


def _command(argv: list[str]) -> str | None:
    """The subcommand named in ``argv`` (the first word that is not an option), if any."""
    return next((a for a in argv if not a.startswith("-")), None)


def run(argv: list[str]) -> int:
    command = _command(argv)
    known = ["match", "schema", "warmup", *PLUGINS]
    if command is not None and command not in known:
        close = difflib.get_close_matches(command, known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f"; one of {', '.join(known)}"
        raise UsageError(f"unknown command {command!r}{hint}")
    args = parser(command).parse_args(argv)
    try:
        return int(args.func(args))
    except ModuleNotFoundError as exc:  # a plugin importing its dependencies inside a command
        plugin = PLUGINS.get(args.command)
        if plugin is None or exc.name is None or exc.name.split(".")[0] in PROJECT:
            raise
        raise UsageError(_needs(args.command, exc.name, plugin)) from None


def main(argv: list[str] | None = None) -> int:
    try:
        code = run(sys.argv[1:] if argv is None else argv)
        sys.stdout.flush()  # a closed pipe shows here, not at the interpreter's exit
        return code
    except UsageError as exc:
        print(f"wunneng: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # the reader stopped early (`wunneng schema | head -1`): not an error worth a traceback;
        # point stdout at /dev/null so that the interpreter's final flush does not fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        return 130
