"""Migrations are the only way the schema is made: they must agree with the models."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlmodel import SQLModel

import app.db.models  # noqa: F401
from app.db.migrate import alembic_config
from app.urls import to_sync_url


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


def test_threads_with_several_live_runs_keep_only_the_newest(database_url: str) -> None:
    """Runs that raced past the old check are expired before the index goes on."""
    config = alembic_config(database_url)
    command.downgrade(config, "0004")
    engine = create_engine(to_sync_url(database_url))
    with engine.begin() as conn:
        conn.execute(
            text(
                'INSERT INTO "user" (username, password_hash, role, created_at) '
                "VALUES ('u', '!', 'user', CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO thread (user_id, title, created_at, updated_at) "
                "VALUES (1, 't', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
        for status in ("in_progress", "queued", "completed"):
            conn.execute(
                text(
                    "INSERT INTO run (thread_id, status, step_count, max_steps, provider, "
                    "created_at) VALUES (1, :s, 0, 8, 'offline', CURRENT_TIMESTAMP)"
                ),
                {"s": status},
            )
    command.upgrade(config, "head")
    with engine.connect() as conn:
        statuses = conn.execute(text("SELECT status FROM run ORDER BY id")).scalars().all()
    engine.dispose()
    assert statuses == ["expired", "queued", "completed"]
