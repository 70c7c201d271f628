"""Fixtures for the service tests: a fresh database per test (SQLite always; PostgreSQL too when
``WUNNENG_TEST_POSTGRES_URL`` is set, as in CI), an app on it, and one key per role.

Migrating takes longer than most tests, so SQLite databases are copies of one migrated file and
PostgreSQL is migrated once and emptied (truncated) per test; ``empty_database_url`` gives a
database with no tables at all, for the migration tests. Storage-independent modules override
``database_url`` with ``sqlite_url``.

Organisation ``alpha`` has an admin, two officers and a planner; ``beta`` has an officer and an
admin, so every test can check that one organisation never sees the other's records; a platform
admin belongs to neither.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_helpers import Keys, bearer
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from api.config import Settings
from api.db import Database, migrate
from api.main import create_app
from api.models import Base, Role
from api.services import admin

POSTGRES_URL = os.environ.get("WUNNENG_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", *(["postgresql"] if POSTGRES_URL else [])]


def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        Base.metadata.drop_all(conn)
        conn.execute(text("drop table if exists alembic_version"))
    engine.dispose()


def truncate_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        conn.execute(text(f"truncate {tables} restart identity cascade"))
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "migrated.db"
    migrate(f"sqlite:///{path}")
    return path


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    """A migrated, empty SQLite database."""
    shutil.copy(sqlite_template, tmp_path / "test.db")
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated database of each backend, with no rows."""
    if request.param == "sqlite":
        url: str = request.getfixturevalue("sqlite_url")
        return url
    assert POSTGRES_URL is not None
    migrate(POSTGRES_URL)
    truncate_postgres(POSTGRES_URL)
    return POSTGRES_URL


@pytest.fixture(params=BACKENDS)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database of each backend with no tables at all."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    assert POSTGRES_URL is not None
    reset_postgres(POSTGRES_URL)
    return POSTGRES_URL


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        run_time_limit=10,
        solver_workers=1,
        max_body_bytes=200_000,
        web_dir=tmp_path / "no-web",
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as c:
        yield c


@pytest.fixture
def keys(client: TestClient, settings: Settings) -> Keys:
    """Two organisations and one key per role (created directly, as ``serve --demo`` does)."""
    db = Database(settings.database_url)
    with db.sessions() as s:
        admin.create_organisation(s, None, "alpha", "Alpha housing service")
        admin.create_organisation(s, None, "beta", "Beta social office")
        made = {
            name: bearer(admin.create_key(s, None, org, name, role).key)
            for org, name, role in (
                ("alpha", "admin-a", Role.ADMIN),
                ("alpha", "officer-a1", Role.OFFICER),
                ("alpha", "officer-a2", Role.OFFICER),
                ("alpha", "planner-a", Role.PLANNER),
                ("beta", "officer-b", Role.OFFICER),
                ("beta", "admin-b", Role.ADMIN),
            )
        }
        made["platform"] = bearer(admin.create_platform_key(s, None, "platform-p").key)
    db.dispose()
    return Keys(
        made["admin-a"],
        made["officer-a1"],
        made["officer-a2"],
        made["planner-a"],
        made["officer-b"],
        made["admin-b"],
        made["platform"],
    )
