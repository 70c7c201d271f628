"""The service's subcommands of ``wunneng``: ``serve``, ``db upgrade``, ``admin bootstrap``.

Settings come from ``WUNNENG_*`` (``api.config``); ``--db`` overrides the database URL. A bad
setting or a refused step is one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from api.config import Settings, settings_error


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
            print(f"  {k.role.value:<8} {k.name:<14} {k.organisation:<12} {k.key}")
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


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    """Apply pending migrations, for deployments that start instances with migrations off."""
    from api.db import Database, migrate, pending_migrations

    settings = _settings(database_url=args.db)
    if isinstance(settings, str):
        return _fail(settings)
    db = Database(settings.database_url)
    try:
        before = pending_migrations(db.engine)
        migrate(settings.database_url)
    except Exception as exc:  # unreachable database, wrong URL: one line, no traceback
        return _fail(f"cannot migrate the database: {type(exc).__name__}")
    finally:
        db.dispose()
    print(f"applied {len(before)} migration(s): {', '.join(before)}" if before else "already up to date")
    return 0


def cmd_admin_bootstrap(args: argparse.Namespace) -> int:
    """Create the first platform admin key (once; later ones are made through the API)."""
    from sqlalchemy import select

    from api.db import Database, pending_migrations
    from api.models import ApiKey, Role
    from api.services import admin

    settings = _settings(database_url=args.db)
    if isinstance(settings, str):
        return _fail(settings)
    db = Database(settings.database_url)
    try:
        if pending_migrations(db.engine):
            return _fail("the database is not migrated: run `wunneng db upgrade` first")
        with db.sessions() as session:
            existing = session.scalar(
                select(ApiKey.id).where(ApiKey.role == Role.PLATFORM_ADMIN, ApiKey.revoked_at.is_(None))
            )
            if existing is not None:
                return _fail("a platform admin key exists already; create further keys through the API")
            created = admin.create_platform_key(session, None, args.name)
    except Exception as exc:
        return _fail(f"cannot reach the database: {type(exc).__name__}")
    finally:
        db.dispose()
    print(f"platform admin key for {args.name!r} (shown once, store it now):")
    print(created.key)
    return 0


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
