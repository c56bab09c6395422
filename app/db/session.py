"""Database engines and session factories (async for the app, sync for migrations)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel import Session
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.changes import Change, publish_on_commit
from app.urls import to_async_url

SessionFactory = async_sessionmaker[AsyncSession]


def ensure_sqlite_dir(url: str) -> None:
    """Create the folder of a SQLite file so a fresh clone needs no set-up."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (
        None,
        "",
        ":memory:",
    ):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


# SQLite has one writer at a time: the others wait for the lock this long before giving up.
# Under a burst (hundreds of replies streaming at once on two cores) a writer can hold it for
# seconds while its worker's loop is busy, so waiting is better than failing a reply.
SQLITE_BUSY_TIMEOUT_MS = 30_000


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # SQLite ignores foreign keys unless asked; WAL lets readers and the writer overlap.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def configure_sqlite(engine: Engine) -> None:
    """Apply Hearth's SQLite connection pragmas to a sync engine."""
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)


def create_engine_async(url: str, pool_size: int = 5, max_overflow: int = 10) -> AsyncEngine:
    """The app's async engine for a database URL (any driver spelling)."""
    async_url = to_async_url(url)
    ensure_sqlite_dir(async_url)
    sqlite = make_url(async_url).get_backend_name() == "sqlite"
    engine = create_async_engine(
        async_url,
        # A file never drops a connection; a server can (and the ping is a round trip).
        pool_pre_ping=not sqlite,
        pool_size=pool_size,
        max_overflow=max_overflow,
    )
    configure_sqlite(engine.sync_engine)
    return engine


def create_session_factory(
    engine: AsyncEngine, publish: Callable[[Change], None] | None = None
) -> SessionFactory:
    """Sessions whose rows stay readable after commit; the changes they note go to `publish`
    as they commit (see `app.db.changes`)."""
    session_class = type("HearthSession", (Session,), {})
    if publish is not None:
        publish_on_commit(session_class, publish)
    return async_sessionmaker(
        engine, class_=AsyncSession, sync_session_class=session_class, expire_on_commit=False
    )
