"""``wunneng replay RUN --db URL``: solve a stored run again and say whether the answer is the same.

Exit codes: 0 identical; 1 the answer differs (the differences and their likely reasons are
printed); 2 the run cannot be replayed (unknown run, input erased with a household, an unreachable
database), one line on stderr.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from api.config import Settings, settings_error

EXIT_DIFFERS = 1


def _fail(message: str) -> int:
    print(f"wunneng: error: {message}", file=sys.stderr)
    return 2


def cmd_replay(args: argparse.Namespace) -> int:
    from pydantic import ValidationError
    from sqlalchemy.exc import SQLAlchemyError

    from api.db import Database
    from api.errors import ApiError
    from api.models import MatchRun
    from api.services.replays import replay_stored

    try:
        settings = Settings.from_env(database_url=args.db)
    except ValidationError as exc:
        return _fail(settings_error(exc))
    db = Database(settings.database_url)
    try:
        with db.reader() as session:
            run = session.get(MatchRun, args.run)
            if run is None:
                return _fail(f"run {args.run} not found")
            report = replay_stored(run)
    except ApiError as exc:
        return _fail(str(exc.detail))
    except SQLAlchemyError as exc:
        return _fail(f"cannot read the database: {type(exc).__name__}")
    finally:
        db.dispose()
    if args.format == "json":
        print(report.model_dump_json(indent=2))
    elif report.identical:
        figures = f"{report.proposals} proposals, objective {report.objective_now}"
        print(f"run {report.run_id}: identical ({figures}, input {report.input_hash[:12]})")
    else:
        then, now = report.objective_then, report.objective_now
        print(f"run {report.run_id}: differs (objective {then} then, {now} now)")
        for line in report.differences:
            print(f"  differs: {line}")
        for line in report.likely_reasons:
            print(f"  likely: {line}")
    return 0 if report.identical else EXIT_DIFFERS


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("replay", help="solve a stored run again and compare (for an appeal)")
    p.add_argument("run", type=int, help="the run's id")
    p.add_argument("--db", help="database URL (default $WUNNENG_DATABASE_URL or sqlite:///./wunneng.db)")
    p.add_argument("--format", choices=("text", "json"), default="text", help="text (default) or JSON")
    p.set_defaults(func=cmd_replay)
