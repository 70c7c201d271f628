"""``wunneng serve [--host H] [--port P] [--db URL] [--demo]``, plugged into the ``wunneng`` command."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from api.config import Settings


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.db import Database, migrate
    from api.demo import seed_demo
    from api.main import create_app

    url = args.db
    if args.demo and url is None:
        url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='wunneng-demo-')) / 'demo.db'}"
    settings = Settings.from_env(database_url=url)
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
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="info")
    return 0


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("serve", help="run the HTTP service (API under /v1, docs at /docs)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--db", help="database URL (default $WUNNENG_DATABASE_URL or sqlite:///./wunneng.db)")
    p.add_argument(
        "--demo",
        action="store_true",
        help="seed generated Luxembourg data in a fresh database and print one key per role",
    )
    p.set_defaults(func=cmd_serve)
