"""Migrations apply from empty, match the models exactly, and downgrade cleanly (both backends)."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from api.db import alembic_config, migrate
from api.models import Base


def test_migrations_from_empty_match_the_models(empty_database_url: str) -> None:
    migrate(empty_database_url)
    engine = create_engine(empty_database_url)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        assert set(Base.metadata.tables) <= set(inspect(conn).get_table_names())
    command.downgrade(alembic_config(empty_database_url), "base")
    with engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) & set(Base.metadata.tables) == set()
    migrate(empty_database_url)
    engine.dispose()
