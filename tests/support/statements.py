"""The SQL a piece of work runs: how tests hold the number of round trips down."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from app.db.session import SessionFactory


@contextmanager
def statements(sessions: SessionFactory) -> Iterator[list[str]]:
    """The SQL statements run on the sessions' engine meanwhile (whitespace collapsed)."""
    seen: list[str] = []
    engine = sessions.kw["bind"].sync_engine

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)
