"""Property-based tests from the OpenAPI schema: no request makes the service answer 5xx or break
its own documented response schemas. Runs as an admin (the role allowed everywhere) on SQLite.

The app is built when the module is collected (schemathesis parametrises from a loaded schema; its
lazy fixture loader does not support this pytest), on a database in a fresh temporary folder.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from api.config import Settings
from api.db import Database, migrate
from api.main import create_app
from api.models import Role
from api.services import admin


def build() -> tuple[Any, dict[str, str]]:
    folder = Path(tempfile.mkdtemp(prefix="wunneng-fuzz-"))
    url = f"sqlite:///{folder / 'fuzz.db'}"
    migrate(url)
    db = Database(url)
    with db.sessions() as s:
        admin.create_organisation(s, None, "alpha", "Alpha")
        key = admin.create_key(s, None, "alpha", "admin-a", Role.ADMIN).key
    db.dispose()
    app = create_app(
        Settings(database_url=url, run_time_limit=2, solver_workers=1, web_dir=folder / "no-web")
    )
    return app, {"Authorization": f"Bearer {key}"}


APP, AUTH = build()
# Comparisons generate and solve whole synthetic instances: too slow to fuzz; see test_api_planner.
schema = schemathesis.openapi.from_asgi("/openapi.json", APP).exclude(
    path="/v1/scenario-comparisons", method="POST"
)


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error_and_responses_match_the_schema(case: Any) -> None:
    case.call_and_validate(headers=AUTH, checks=[not_a_server_error, response_schema_conformance])
