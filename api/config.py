"""Service settings, read once from the environment and passed to :func:`api.main.create_app`.

A plain frozen dataclass: no global settings object, so tests build apps with their own settings.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path

from api.oidc import OidcSettings

DEFAULT_DATABASE_URL = "sqlite:///./wunneng.db"


@dataclass(frozen=True)
class Settings:
    #: SQLAlchemy URL; a SQLite file by default (nothing to set up), PostgreSQL in production.
    database_url: str = DEFAULT_DATABASE_URL
    #: Apply Alembic migrations on start-up, so the embedded default needs no separate step.
    migrate_on_start: bool = True
    #: Request bodies above this many bytes are refused with 413 before they are parsed.
    max_body_bytes: int = 5 * 1024 * 1024
    #: Default and maximum solver time per run, seconds.
    run_time_limit: float = 30.0
    max_run_time_limit: float = 300.0
    #: CP-SAT threads per run; runs execute one at a time per server (the machine is shared).
    solver_workers: int = 2
    #: Background job threads (match runs and scenario comparisons).
    job_threads: int = 1
    #: Static pages served at ``/`` if this folder exists (the web pages live there).
    web_dir: Path = field(default_factory=lambda: Path(__file__).parent / "web")
    #: OpenID Connect sign-in for people (officers' pages); None: API keys only.
    oidc: OidcSettings | None = None

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Settings from ``WUNNENG_*`` variables; keyword overrides win (the CLI's flags)."""
        env: dict[str, object] = {}
        if url := os.environ.get("WUNNENG_DATABASE_URL"):
            env["database_url"] = url
        if size := os.environ.get("WUNNENG_MAX_BODY_BYTES"):
            env["max_body_bytes"] = int(size)
        if issuer := os.environ.get("WUNNENG_OIDC_ISSUER"):
            env["oidc"] = oidc_from_env(issuer)
        env.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**env)  # type: ignore[arg-type]


def oidc_from_env(issuer: str) -> OidcSettings:
    """``WUNNENG_OIDC_*``: CLIENT_ID, CLIENT_SECRET, ORG_CLAIM, ROLE_CLAIM, NAME_CLAIM, SECRET (hex)."""
    get = os.environ.get
    secret = get("WUNNENG_OIDC_SECRET")
    settings = OidcSettings(
        issuer=issuer,
        client_id=get("WUNNENG_OIDC_CLIENT_ID", "wunneng"),
        client_secret=get("WUNNENG_OIDC_CLIENT_SECRET", ""),
        organisation_claim=get("WUNNENG_OIDC_ORG_CLAIM", "organisation"),
        role_claim=get("WUNNENG_OIDC_ROLE_CLAIM", "role"),
        name_claim=get("WUNNENG_OIDC_NAME_CLAIM", "preferred_username"),
    )
    return dataclasses.replace(settings, secret=bytes.fromhex(secret)) if secret else settings
