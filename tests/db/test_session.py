"""Engines and sessions: any spelling of a URL gets the async driver, a SQLite file gets its
folder and Hearth's pragmas, and rows stay readable after their session commits."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from app.db.models import Room
from app.db.session import (
    SQLITE_BUSY_TIMEOUT_MS,
    SessionFactory,
    configure_sqlite,
    create_engine_async,
    ensure_sqlite_dir,
)

PRAGMAS = {"foreign_keys": 1, "journal_mode": "wal", "busy_timeout": SQLITE_BUSY_TIMEOUT_MS}


def test_a_sqlite_file_gets_its_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ensure_sqlite_dir(f"sqlite:///{tmp_path}/a/b/hearth.db")
    assert (tmp_path / "a" / "b").is_dir() and not (tmp_path / "a" / "b" / "hearth.db").exists()
    monkeypatch.chdir(tmp_path)
    ensure_sqlite_dir("sqlite+aiosqlite:///data/hearth.db")
    assert (tmp_path / "data").is_dir()


@pytest.mark.parametrize(
    "url", ["sqlite://", "sqlite:///:memory:", "postgresql://hearth@127.0.0.1/memory"]
)
def test_urls_without_a_file_make_no_folder(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    ensure_sqlite_dir(url)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("url", "driver"),
    [
        ("sqlite:///{tmp}/hearth.db", "sqlite+aiosqlite"),
        ("postgresql://hearth@127.0.0.1/hearth", "postgresql+psycopg"),
        ("postgres://hearth@127.0.0.1/hearth", "postgresql+psycopg"),
    ],
)
async def test_any_spelling_of_a_url_gets_the_async_driver(
    url: str, driver: str, tmp_path: Path
) -> None:
    engine = create_engine_async(url.format(tmp=tmp_path), pool_size=2, max_overflow=0)
    try:
        assert engine.url.drivername == driver
        assert engine.pool.size() == 2  # type: ignore[attr-defined]
    finally:
        await engine.dispose()


async def test_the_app_engine_sets_hearths_sqlite_pragmas(tmp_path: Path) -> None:
    engine = create_engine_async(f"sqlite:///{tmp_path}/new/hearth.db")
    try:
        async with engine.connect() as conn:
            found = {
                name: (await conn.execute(text(f"PRAGMA {name}"))).scalar() for name in PRAGMAS
            }
    finally:
        await engine.dispose()
    assert found == PRAGMAS
    assert (tmp_path / "new" / "hearth.db").is_file()


def test_a_migration_engine_gets_the_same_pragmas(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path}/hearth.db")
    configure_sqlite(engine)
    with engine.connect() as conn:
        found = {name: conn.execute(text(f"PRAGMA {name}")).scalar() for name in PRAGMAS}
    engine.dispose()
    assert found == PRAGMAS


async def test_rows_stay_readable_after_their_session_commits(sessions: SessionFactory) -> None:
    """`sessions` is made by create_session_factory, as the app's are."""
    async with sessions() as session:
        room = Room(name="guest room", celsius=18.5)
        session.add(room)
        await session.commit()
    # Outside the session: read without a query (an expired row could not load in async).
    assert (room.id is not None, room.name, room.celsius) == (True, "guest room", 18.5)


async def test_only_a_server_is_pinged_before_each_use(tmp_path: Path) -> None:
    """A file never drops a connection, so SQLite's sessions skip the ping (a round trip to
    the driver's thread each); a Postgres connection can drop, so it is checked first."""
    engines = [
        create_engine_async(f"sqlite:///{tmp_path}/hearth.db"),
        create_engine_async("postgresql://hearth@127.0.0.1/hearth"),
    ]
    try:
        assert [e.pool._pre_ping for e in engines] == [False, True]  # type: ignore[attr-defined]
    finally:
        for engine in engines:
            await engine.dispose()
