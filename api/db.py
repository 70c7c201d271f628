"""Engine, sessions and migrations; the one home of SQLite's write-lock policy.

On SQLite a writing transaction starts with ``BEGIN IMMEDIATE``: the write lock is taken up front, so
two requests racing for one unit queue on the busy timeout instead of failing half-way with
"database is locked". Reads (``Database.reader``, and requests whose method is safe) start with a
plain ``BEGIN`` and never take the lock, so polling a run or listing records does not queue behind a
result being stored. PostgreSQL needs nothing special: decisions use conditional updates and row
locks (see ``repositories``).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"
READ_ONLY = "wunneng_read_only"  #: execution option marking a reading engine (no write lock)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # let SQLAlchemy's "begin" event emit BEGIN
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            if ":memory:" not in url and cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                # persistent once set (``migrate`` sets it); another connection may be setting it now
                with contextlib.suppress(sqlite3.OperationalError):
                    cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            reading = conn.get_execution_options().get(READ_ONLY, False)
            conn.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def migrate(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` to ``revision`` (Alembic ``upgrade``)."""
    command.upgrade(alembic_config(url), revision)
    if url.startswith("sqlite") and ":memory:" not in url:
        engine = create_engine(url)
        with engine.connect() as conn:  # WAL persists in the file: readers never wait for writers
            conn.exec_driver_sql("PRAGMA journal_mode=WAL")
        engine.dispose()


def pending_migrations(engine: Engine) -> list[str]:
    """Revisions the database at ``engine`` still lacks (empty when it is at head)."""
    script = ScriptDirectory.from_config(alembic_config(engine.url.render_as_string(False)))
    with engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    heads = set(script.get_heads())
    if current == heads:
        return []
    return [
        rev.revision
        for rev in script.iterate_revisions(tuple(heads), tuple(current) or "base")
        if rev.revision not in current
    ]


class Database:
    """One engine and its session factories, owned by an app or a worker (no module-level state)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.read_sessions = sessionmaker(
            self.engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False
        )

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A writing session whose transaction commits on success and rolls back on any error."""
        with self.sessions() as s, s.begin():
            yield s

    @contextmanager
    def reader(self) -> Iterator[Session]:
        """A session for reads only: on SQLite it takes no write lock (nothing is committed)."""
        with self.read_sessions() as s:
            try:
                yield s
            finally:
                s.rollback()

    def for_request(self, method: str) -> Session:
        """The session a request uses: reading for safe methods, writing otherwise."""
        return (self.read_sessions if method.upper() in SAFE_METHODS else self.sessions)()

    def dispose(self) -> None:
        self.engine.dispose()
