"""Property-based tests from the OpenAPI schema with every schemathesis check (no 5xx, statuses,
content types, headers and bodies as documented, invalid data rejected, valid data accepted,
authentication not ignored...), on SQLite and, when ``WUNNENG_TEST_POSTGRES_URL`` is set, on
PostgreSQL. Runs as an organisation's admin, the role allowed most.

The apps are built when the module is collected (schemathesis parametrises from a loaded schema);
each database gets its organisation and key from a module fixture, just before the cases run, since
other test modules empty the shared PostgreSQL database between tests.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS
from starlette.types import ASGIApp, Receive, Scope, Send

from api.config import Settings
from api.db import Database, migrate
from api.main import create_app
from api.models import Base, Role
from api.services import admin

POSTGRES_URL = os.environ.get("WUNNENG_TEST_POSTGRES_URL")
FOLDER = Path(tempfile.mkdtemp(prefix="wunneng-fuzz-"))
ALL_CHECKS = list(CHECKS.get_all())


class WithoutLifespan:
    """The app without its start-up and shut-down: schemathesis ends an app's lifespan after each
    test and starts it again for the next, and an app's job threads do not outlive its shutdown."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return
        while (await receive())["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})


def app_on(url: str) -> Any:
    migrate(url)
    settings = Settings(database_url=url, run_time_limit=2, solver_workers=1, web_dir=FOLDER / "no-web")
    return WithoutLifespan(create_app(settings))


def seed(url: str) -> dict[str, str]:
    """An empty, migrated database with one organisation and its admin; returns the auth header."""
    migrate(url)
    db = Database(url)
    with db.engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    with db.sessions() as s:
        admin.create_organisation(s, None, "alpha", "Alpha")
        key = admin.create_key(s, None, "alpha", "admin-a", Role.ADMIN).key
    db.dispose()
    return {"Authorization": f"Bearer {key}"}


def schema_of(app: Any) -> Any:
    # Comparisons generate and solve whole synthetic instances: too slow to fuzz; see test_api_planner.
    return schemathesis.openapi.from_asgi("/openapi.json", app).exclude(
        path_regex="^/v1/scenario-comparisons(/from-stock)?$", method="POST"
    )


def bounded_wait(case: Any) -> None:
    """The in-process app runs no worker, so a run waits its whole ``wait_seconds`` (up to 60 s,
    beyond the client's timeout); a second shows the same contract."""
    if isinstance(case.body, dict) and isinstance(case.body.get("wait_seconds"), int | float):
        case.body["wait_seconds"] = min(case.body["wait_seconds"], 1)


pytestmark = pytest.mark.slow  # fuzzing every operation on both databases

SQLITE_URL = f"sqlite:///{FOLDER / 'fuzz.db'}"
SQLITE = schema_of(app_on(SQLITE_URL))
FUZZ = settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def sqlite_auth() -> Iterator[dict[str, str]]:
    yield seed(SQLITE_URL)


@SQLITE.parametrize()  # type: ignore[untyped-decorator]
@FUZZ
def test_sqlite_conforms_to_its_schema(case: Any, sqlite_auth: dict[str, str]) -> None:
    bounded_wait(case)
    case.call_and_validate(headers=sqlite_auth, checks=ALL_CHECKS)


if POSTGRES_URL:
    POSTGRES = schema_of(app_on(POSTGRES_URL))

    @pytest.fixture(scope="module")
    def postgres_auth() -> Iterator[dict[str, str]]:
        assert POSTGRES_URL is not None
        yield seed(POSTGRES_URL)

    @POSTGRES.parametrize()  # type: ignore[untyped-decorator]
    @FUZZ
    def test_postgres_conforms_to_its_schema(case: Any, postgres_auth: dict[str, str]) -> None:
        bounded_wait(case)
        case.call_and_validate(headers=postgres_auth, checks=ALL_CHECKS)
