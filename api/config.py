"""Service settings: every one from the environment (``WUNNENG_<NAME>``), validated on start.

A frozen pydantic-settings model built once and passed to :func:`api.main.create_app`; there is no
global settings object, so tests build apps with their own. A bad value stops start-up with one line
naming the variable (see ``api.cli``).
"""

from __future__ import annotations

import dataclasses
import os
import socket
import uuid
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from api.oidc import OidcSettings
from api.schemas import MAX_RUN_SECONDS

DEFAULT_DATABASE_URL = "sqlite:///./wunneng.db"
ENV_PREFIX = "WUNNENG_"


def _instance_id() -> str:
    return f"{socket.gethostname()[:32]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, frozen=True, extra="forbid")

    #: SQLAlchemy URL; a SQLite file by default (nothing to set up), PostgreSQL in production.
    database_url: str = Field(DEFAULT_DATABASE_URL, min_length=1)
    #: Apply Alembic migrations on start-up, so the embedded default needs no separate step.
    migrate_on_start: bool = True
    #: Request bodies above this many bytes are refused with 413 before they are parsed.
    max_body_bytes: int = Field(5 * 1024 * 1024, gt=0)
    #: Solver seconds of a run that does not set its own (at most what a request may ask).
    run_time_limit: float = Field(30.0, gt=0, le=MAX_RUN_SECONDS, allow_inf_nan=False)
    #: CP-SAT threads per run.
    solver_workers: int = Field(2, ge=1, le=64)
    #: Worker processes solving runs, each one run at a time (two: a long run leaves one for others).
    run_workers: int = Field(2, ge=1, le=64)
    #: Background threads for planners' scenario comparisons.
    job_threads: int = Field(1, ge=1, le=64)
    #: A claimed run's lease: an instance that stops renewing it for this long has lost the run.
    run_lease_seconds: float = Field(30.0, gt=0, allow_inf_nan=False)
    #: How often the owning instance renews its leases (well under the lease).
    run_heartbeat_seconds: float = Field(5.0, gt=0, allow_inf_nan=False)
    #: How often an idle instance looks for queued runs (a run started here is picked up at once).
    run_poll_seconds: float = Field(1.0, gt=0, allow_inf_nan=False)
    #: Claims of one run (the first, then take-overs after a lost lease) before it is failed.
    run_max_attempts: int = Field(2, ge=1, le=10)
    #: Queued runs one organisation may have waiting; more is a 429.
    max_queued_runs_per_organisation: int = Field(3, ge=1, le=1000)
    #: Names this instance in run leases and logs; unique per process by default.
    instance_id: str = Field(default_factory=_instance_id, min_length=1, max_length=64)
    #: Log lines: JSON objects (production) or plain text.
    log_format: Literal["json", "text"] = "json"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    #: Static pages served at ``/`` if this folder exists (the web pages live there).
    web_dir: Path = Field(default_factory=lambda: Path(__file__).parent / "web")
    #: OpenID Connect sign-in for people (officers' pages); None: API keys only (``WUNNENG_OIDC_*``).
    oidc: OidcSettings | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        if self.run_heartbeat_seconds * 2 > self.run_lease_seconds:
            raise ValueError("run_heartbeat_seconds must be at most half of run_lease_seconds")
        return self

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Settings from ``WUNNENG_*`` variables; keyword overrides that are not None win (CLI flags)."""
        given: dict[str, Any] = {k: v for k, v in overrides.items() if v is not None}
        if "oidc" not in given and (issuer := os.environ.get(f"{ENV_PREFIX}OIDC_ISSUER")):
            given["oidc"] = oidc_from_env(issuer)
        return cls(**given)


def settings_error(exc: ValidationError) -> str:
    """One line naming the variable and the reason, for the CLI."""
    first = exc.errors()[0]
    name = ".".join(str(p) for p in first["loc"])
    where = f"{ENV_PREFIX}{name.upper()}" if name else "settings"
    return f"{where}: {first['msg']}"


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
