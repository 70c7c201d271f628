"""The service's subcommands of ``wunneng``: ``serve``, ``db upgrade``, ``admin bootstrap``.

Settings come from ``WUNNENG_*`` (``api.config``); ``--db`` overrides the database URL. A bad
setting or a refused step is one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from api.config import Settings, settings_error

if TYPE_CHECKING:
    from api.db import Database


def _fail(message: str) -> int:
    print(f"wunneng: error: {message}", file=sys.stderr)
    return 2


def _settings(**overrides: object) -> Settings | str:
    try:
        return Settings.from_env(**overrides)
    except ValidationError as exc:
        return settings_error(exc)


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.db import Database, migrate
    from api.demo import seed_demo
    from api.main import create_app

    url = args.db
    if args.demo and url is None:
        url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='wunneng-demo-')) / 'demo.db'}"
    settings = _settings(database_url=url)
    if isinstance(settings, str):
        return _fail(settings)
    if args.demo:
        migrate(settings.database_url)
        db = Database(settings.database_url)
        keys = seed_demo(db)
        db.dispose()
        base = f"http://{args.host}:{args.port}"
        print(f"wunneng demo: database {settings.database_url}")
        print(f"Web pages {base}/  (sign in with a key below)")
        print(f"API {base}/v1  (OpenAPI: {base}/docs)\n")
        for k in keys:
            print(f"  {k.role.value:<8} {k.name:<14} {k.organisation or '-':<12} {k.key}")
        officer = next(k for k in keys if k.role.value == "officer")
        print("\ntry:")
        print(f"  export KEY={officer.key}")
        print(
            f"  curl -s -H \"Authorization: Bearer $KEY\" -H 'content-type: application/json' "
            f"-d '{{\"wait_seconds\": 30}}' {base}/v1/match-runs"
        )
        print(f"  curl -s -H \"Authorization: Bearer $KEY\" '{base}/v1/proposals?status=open'\n", flush=True)
    # our access log (no query strings) replaces uvicorn's; logging is set up by create_app
    uvicorn.run(create_app(settings), host=args.host, port=args.port, access_log=False, log_config=None)
    return 0


class _Refused(Exception):
    """A step a command declines to take: its message is the one line printed."""


def _on_database(url: str | None, step: Callable[[Database, str], str], failing: str) -> int:
    """Run ``step`` on the database of the settings (``--db`` wins) and print what it says; a bad
    setting, a refusal or an unreachable database is one line and exit 2, never a traceback."""
    from api.db import Database

    settings = _settings(database_url=url)
    if isinstance(settings, str):
        return _fail(settings)
    db = Database(settings.database_url)
    try:
        said = step(db, settings.database_url)
    except _Refused as exc:
        return _fail(str(exc))
    except Exception as exc:  # unreachable database, wrong URL
        return _fail(f"{failing}: {type(exc).__name__}")
    finally:
        db.dispose()
    print(said)
    return 0


def _upgrade(db: Database, url: str) -> str:
    from api.db import migrate, pending_migrations

    before = pending_migrations(db.engine)
    migrate(url)
    return f"applied {len(before)} migration(s): {', '.join(before)}" if before else "already up to date"


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    """Apply pending migrations, for deployments that start instances with migrations off."""
    return _on_database(args.db, _upgrade, "cannot migrate the database")


def cmd_admin_bootstrap(args: argparse.Namespace) -> int:
    """Create the first platform admin key (once; later ones are made through the API)."""

    def bootstrap(db: Database, _url: str) -> str:
        from api.db import pending_migrations
        from api.repositories import active_platform_key
        from api.services import admin

        if pending_migrations(db.engine):
            raise _Refused("the database is not migrated: run `wunneng db upgrade` first")
        with db.sessions() as session:
            if active_platform_key(session) is not None:
                raise _Refused("a platform admin key exists already; create further keys through the API")
            created = admin.create_platform_key(session, None, args.name)
        return f"platform admin key for {args.name!r} (shown once, store it now):\n{created.key}"

    return _on_database(args.db, bootstrap, "cannot reach the database")


def register(subparsers: Any) -> None:
    db_help = "database URL (default $WUNNENG_DATABASE_URL or sqlite:///./wunneng.db)"
    p = subparsers.add_parser("serve", help="run the HTTP service (API under /v1, docs at /docs)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--db", help=db_help)
    p.add_argument(
        "--demo",
        action="store_true",
        help="seed generated Luxembourg data in a fresh database and print one key per role",
    )
    p.set_defaults(func=cmd_serve)

    db = subparsers.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    up = db_sub.add_parser("upgrade", help="apply pending migrations")
    up.add_argument("--db", help=db_help)
    up.set_defaults(func=cmd_db_upgrade)

    adm = subparsers.add_parser("admin", help="administration")
    adm_sub = adm.add_subparsers(dest="admin_command", required=True)
    boot = adm_sub.add_parser("bootstrap", help="create the first platform admin key (prints it once)")
    boot.add_argument("--db", help=db_help)
    boot.add_argument("--name", default="platform-admin", help="the key's name (default platform-admin)")
    boot.set_defaults(func=cmd_admin_bootstrap)
