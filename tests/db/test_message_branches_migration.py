"""Revision 0014 (branches): messages stored before it read as one branch, as they were (with
nothing rewritten); the search index's triggers survive it (no rebuild of `message`); the
downgrade takes it away."""

from __future__ import annotations

import json

from alembic import command
from sqlalchemy import Connection, create_engine, inspect, text

from app.assistant.branches import parents
from app.db.migrate import alembic_config
from app.urls import to_sync_url


def _thread(conn: Connection, title: str) -> int:
    return conn.execute(
        text(
            "INSERT INTO thread (user_id, title, created_at, updated_at) "
            "VALUES (1, :title, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) RETURNING id"
        ),
        {"title": title},
    ).scalar_one()


def _message(conn: Connection, thread_id: int, role: str, words: str) -> int:
    return conn.execute(
        text(
            "INSERT INTO message (thread_id, role, parts, status, created_at, updated_at) "
            "VALUES (:thread, :role, :parts, 'complete', CURRENT_TIMESTAMP, "
            "CURRENT_TIMESTAMP) RETURNING id"
        ),
        {"thread": thread_id, "role": role, "parts": json.dumps([{"type": "text", "text": words}])},
    ).scalar_one()


def test_messages_stored_before_read_as_one_branch(database_url: str) -> None:
    config = alembic_config(database_url)
    command.downgrade(config, "0012")
    engine = create_engine(to_sync_url(database_url))
    with engine.begin() as conn:
        conn.execute(
            text(
                'INSERT INTO "user" (username, password_hash, role, created_at) '
                "VALUES ('u', '!', 'user', CURRENT_TIMESTAMP)"
            )
        )
        one, two = _thread(conn, "one"), _thread(conn, "two")
        # Interleaved, as two threads written at once are.
        a = _message(conn, one, "user", "kitchen")
        b = _message(conn, two, "user", "bedroom")
        c = _message(conn, one, "assistant", "done")
        d = _message(conn, two, "assistant", "done")
        e = _message(conn, one, "user", "thanks")
    command.upgrade(config, "head")
    with engine.begin() as conn:
        rows = conn.execute(text("SELECT thread_id, id, parent_id FROM message")).all()
        heads = dict(conn.execute(text("SELECT id, head_message_id FROM thread")).all())
        # The search index still follows writes: its triggers were kept.
        f = _message(conn, one, "assistant", "glasshouse")
        query = (
            "SELECT message_id FROM message_search WHERE document @@ "
            "plainto_tsquery('simple', 'glasshouse')"
            if conn.dialect.name == "postgresql"
            else "SELECT rowid FROM message_search WHERE message_search MATCH 'glasshouse'"
        )
        found = list(conn.execute(text(query)).scalars())
    assert {parent for _, _, parent in rows} == {None} and heads == {one: None, two: None}
    read = {
        thread: parents([(i, parent) for t, i, parent in rows if t == thread])
        for thread in (one, two)
    }
    assert read == {one: {a: None, c: a, e: c}, two: {b: None, d: b}}
    assert found == [f]
    command.downgrade(config, "0012")
    columns = {c["name"] for c in inspect(engine).get_columns("message")}
    engine.dispose()
    assert "parent_id" not in columns
    command.upgrade(config, "head")
