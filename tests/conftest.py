"""Shared fixtures: a real database per test, migrated by Alembic (SQLite, or Postgres)."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.db.migrate import upgrade_to_head
from app.db.session import SessionFactory, create_engine_async, create_session_factory
from tests.fakes.openai_server import FakeOpenAI

# Set to a postgresql:// URL of a server where databases may be created to run on Postgres.
POSTGRES_URL = os.environ.get("HEARTH_TEST_POSTGRES_URL", "")
# Set to run the app servers of browser tests with Redis (state and live feed, 2 workers).
HOSTED_REDIS_URL = os.environ.get("HEARTH_TEST_REDIS_URL", "")
# The Redis that tests of Redis itself use (the feed, the multi-worker test).
REDIS_URL = HOSTED_REDIS_URL or "redis://127.0.0.1:6379/0"


def _admin_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One database migrated to head; each test gets a copy of it."""
    if POSTGRES_URL:
        name = f"hearth_tpl_{uuid.uuid4().hex[:8]}"
        admin = create_engine(_admin_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(_admin_url(POSTGRES_URL)).set(database=name).render_as_string(False)
        upgrade_to_head(url)
        yield url
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        path = tmp_path_factory.mktemp("template") / "template.db"
        upgrade_to_head(f"sqlite:///{path}")
        yield f"sqlite:///{path}"


@pytest.fixture
def database_url(migrated_template: str, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database for one test."""
    if POSTGRES_URL:
        template = make_url(migrated_template)
        name = f"hearth_t_{uuid.uuid4().hex[:10]}"
        admin = create_engine(_admin_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template.database}"'))
        yield template.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        path = tmp_path / "hearth.db"
        shutil.copyfile(make_url(migrated_template).database or "", path)
        yield f"sqlite:///{path}"


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[SessionFactory]:
    """An async session factory on the test's database."""
    engine = create_engine_async(database_url)
    yield create_session_factory(engine)
    await engine.dispose()


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    """A fake OpenAI-compatible server on 127.0.0.1 (script it with `fake.script(...)`)."""
    with FakeOpenAI() as server:
        yield server
