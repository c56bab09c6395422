"""Migrations are the only way the schema is made: they bring any database to the newest
revision (a new one included), and they must agree with the models."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlmodel import SQLModel

import app.db.models  # noqa: F401
from app.db.migrate import PROJECT_ROOT, alembic_config, upgrade_to_head
from app.db.search_index import include_name
from app.urls import to_sync_url


def _revision(database_url: str) -> str | None:
    engine = create_engine(to_sync_url(database_url))
    with engine.connect() as conn:
        revision = MigrationContext.configure(conn).get_current_revision()
    engine.dispose()
    return revision


def _head() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def test_a_new_database_is_created_at_the_newest_revision(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/not/yet/hearth.db"
    upgrade_to_head(url)
    assert (tmp_path / "not" / "yet" / "hearth.db").is_file()
    assert _revision(url) == _head() is not None


def test_upgrading_a_database_at_head_changes_nothing(database_url: str) -> None:
    engine = create_engine(to_sync_url(database_url))
    with engine.begin() as conn:
        conn.execute(text("UPDATE room SET celsius = 18.5 WHERE name = 'kitchen'"))
    upgrade_to_head(database_url)
    with engine.connect() as conn:
        kitchen = conn.execute(text("SELECT celsius FROM room WHERE name = 'kitchen'")).scalar()
    engine.dispose()
    assert (kitchen, _revision(database_url)) == (18.5, _head())


def test_the_config_names_the_sync_driver_and_keeps_percent_escapes() -> None:
    config = alembic_config("postgresql://hearth:p%40ss%25word@db.example/hearth")
    assert config.get_main_option("sqlalchemy.url") == (
        "postgresql+psycopg://hearth:p%40ss%25word@db.example/hearth"
    )
    assert config.get_main_option("script_location") == str(PROJECT_ROOT / "alembic")


def test_migrating_from_the_command_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/hearth.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEARTH_")}
    done = subprocess.run(
        [sys.executable, "-m", "app.db.migrate"],
        cwd=PROJECT_ROOT,
        env={**env, "HEARTH_DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert _revision(url) == _head()
    refused = subprocess.run(
        [sys.executable, "-m", "app.db.migrate"],
        cwd=PROJECT_ROOT,
        env={**env, "HEARTH_DATABASE_URL": url, "HEARTH_DB_POOL_SIZE": "0"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode == 1 and "HEARTH_DB_POOL_SIZE" in refused.stderr


def test_models_and_migrations_agree(database_url: str) -> None:
    """Everything but the search index, which is no model (as `alembic check` compares)."""
    engine = create_engine(to_sync_url(database_url))
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": include_name})
        diff = compare_metadata(context, SQLModel.metadata)
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


def test_rows_stored_before_the_safety_marks_read_back_unmarked(database_url: str) -> None:
    config = alembic_config(database_url)
    command.downgrade(config, "0009")
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
        conn.execute(
            text(
                "INSERT INTO run (thread_id, status, step_count, max_steps, provider, "
                "created_at) VALUES (1, 'completed', 1, 8, 'offline', CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO message (thread_id, run_id, role, parts, status, created_at, "
                "updated_at) VALUES (1, 1, 'assistant', '[]', 'complete', CURRENT_TIMESTAMP, "
                "CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO toolcall (run_id, message_id, call_id, name, arguments, status, "
                "created_at) VALUES (1, 1, 'c', 'set_room_temperature', '{}', 'done', "
                "CURRENT_TIMESTAMP)"
            )
        )
    command.upgrade(config, "head")
    with engine.connect() as conn:
        reason = conn.execute(text("SELECT approval_reason FROM toolcall")).scalar_one()
        unbacked = conn.execute(text("SELECT unbacked_rooms FROM message")).scalar_one()
    engine.dispose()
    assert (reason, unbacked) == (None, None)
