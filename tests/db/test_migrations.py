"""Migrations are the only way the schema is made: they must agree with the models."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from sqlmodel import SQLModel

import app.db.models  # noqa: F401
from app.db.migrate import alembic_config
from app.settings import to_sync_url


def test_models_and_migrations_agree(database_url: str) -> None:
    engine = create_engine(to_sync_url(database_url))
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    engine.dispose()
    assert diff == [], f"models differ from migrations; add a revision: {diff}"


def test_downgrade_to_base_and_back_up(database_url: str) -> None:
    config = alembic_config(database_url)
    command.downgrade(config, "base")
    engine = create_engine(to_sync_url(database_url))
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    command.upgrade(config, "head")
    assert {"thread", "run", "message", "toolcall", "room", "effect", "user", "authsession"} <= set(
        inspect(engine).get_table_names()
    )
    engine.dispose()
