"""The full-text index revision 0012 makes: messages stored before it are indexed by the
upgrade, every later write keeps it (insert, edit, delete), odd stored parts never stop a
write, and the downgrade takes all of it away."""

from __future__ import annotations

import json

import pytest
from alembic import command
from sqlalchemy import Connection, create_engine, inspect, text

from app.db.migrate import alembic_config
from app.db.search_index import include_name, is_search_index_table
from app.urls import to_sync_url

KITCHEN_TO_19 = [
    {"type": "text", "text": "Done."},
    {"type": "effect", "effect_id": 1, "room": "kitchen", "old_celsius": 22.0, "new_celsius": 19.5},
]


def _message(conn: Connection, parts: object, thread_id: int = 1) -> int:
    """A message stored with these parts (as SQL writes it, whatever the app would write)."""
    return conn.execute(
        text(
            "INSERT INTO message (thread_id, role, parts, status, created_at, updated_at) "
            "VALUES (:thread, 'assistant', :parts, 'complete', CURRENT_TIMESTAMP, "
            "CURRENT_TIMESTAMP) RETURNING id"
        ),
        {"thread": thread_id, "parts": json.dumps(parts)},
    ).scalar_one()


def _owner_and_thread(conn: Connection) -> None:
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


def _found(conn: Connection, word: str) -> list[int]:
    """The ids of the messages the index finds `word` in (its own query language)."""
    if conn.dialect.name == "postgresql":
        query = (
            "SELECT message_id FROM message_search WHERE document @@ "
            "phraseto_tsquery('simple', hearth_search_fold(:word)) ORDER BY message_id"
        )
    else:
        query = "SELECT rowid FROM message_search WHERE message_search MATCH :word ORDER BY rowid"
    return list(conn.execute(text(query), {"word": f'"{word}"'}).scalars())


def _index_objects(conn: Connection) -> list[str]:
    """The index's tables, triggers and functions left in the database."""
    names = [t for t in inspect(conn).get_table_names() if is_search_index_table(t)]
    if conn.dialect.name == "postgresql":
        names += conn.execute(
            text(
                "SELECT tgname FROM pg_trigger WHERE tgname LIKE 'message_search%' "
                "UNION ALL SELECT proname FROM pg_proc WHERE proname LIKE 'hearth_%search%'"
            )
        ).scalars()
    else:
        names += conn.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        ).scalars()
    return names


def test_messages_stored_before_are_indexed_by_the_upgrade(database_url: str) -> None:
    config = alembic_config(database_url)
    command.downgrade(config, "0011")
    engine = create_engine(to_sync_url(database_url))
    with engine.begin() as conn:
        _owner_and_thread(conn)
        kitchen = _message(conn, KITCHEN_TO_19)
        hall = _message(conn, [{"type": "text", "text": "Wie warm ist der Flur?"}])
    command.upgrade(config, "head")
    with engine.connect() as conn:
        found = {w: _found(conn, w) for w in ["kitchen", "22", "19.5", "flur", "done", "wie"]}
    engine.dispose()
    assert found == {
        "kitchen": [kitchen],
        "22": [kitchen],
        "19.5": [kitchen],
        "flur": [hall],
        "done": [kitchen],
        "wie": [hall],
    }


def test_every_write_keeps_the_index(database_url: str) -> None:
    engine = create_engine(to_sync_url(database_url))
    with engine.begin() as conn:
        _owner_and_thread(conn)
        first = _message(conn, [{"type": "text", "text": "the kitchen"}])
        second = _message(conn, [{"type": "text", "text": "the kitchen"}])
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE message SET parts = :parts WHERE id = :id"),
            {"parts": json.dumps([{"type": "text", "text": "the bathroom"}]), "id": first},
        )
        # A write of other columns leaves the document as it is.
        conn.execute(
            text("UPDATE message SET status = 'incomplete' WHERE id = :id"), {"id": second}
        )
    with engine.connect() as conn:
        after_edit = (_found(conn, "kitchen"), _found(conn, "bathroom"))
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM message WHERE id = :id"), {"id": second})
    with engine.connect() as conn:
        after_delete = _found(conn, "kitchen")
    engine.dispose()
    assert after_edit == ([second], [first])
    assert after_delete == []


@pytest.mark.parametrize("end", ["completed", "cancelled", "expired"])
def test_a_reply_is_indexed_when_its_run_ends_not_at_each_save(database_url: str, end: str) -> None:
    """While its run is live the reply's saves leave the index alone (a streaming reply is
    saved several times a second); the run's end indexes it, in the same transaction."""
    engine = create_engine(to_sync_url(database_url))
    with engine.begin() as conn:
        _owner_and_thread(conn)
        run_id = conn.execute(
            text(
                "INSERT INTO run (thread_id, status, step_count, max_steps, provider, "
                "created_at) VALUES (1, 'in_progress', 1, 8, 'test', CURRENT_TIMESTAMP) "
                "RETURNING id"
            )
        ).scalar_one()
        reply = _message(conn, [])
        conn.execute(
            text("UPDATE message SET run_id = :run WHERE id = :id"), {"run": run_id, "id": reply}
        )
    save = text("UPDATE message SET parts = :parts WHERE id = :id")
    with engine.begin() as conn:
        conn.execute(
            save, {"parts": json.dumps([{"type": "text", "text": "the kitchen"}]), "id": reply}
        )
    with engine.connect() as conn:
        while_streaming = _found(conn, "kitchen")
    with engine.begin() as conn:
        # The end: the last text and the terminal status, in one transaction.
        conn.execute(save, {"parts": json.dumps(KITCHEN_TO_19), "id": reply})
        conn.execute(
            text("UPDATE run SET status = :end WHERE id = :id"), {"end": end, "id": run_id}
        )
    with engine.connect() as conn:
        after_end = (_found(conn, "kitchen"), _found(conn, "done"), _found(conn, "19.5"))
    with engine.begin() as conn:
        # Once ended, a write (follow-ups offered later, a repair) is indexed at once.
        conn.execute(
            save, {"parts": json.dumps([{"type": "text", "text": "the hall"}]), "id": reply}
        )
    with engine.connect() as conn:
        later = _found(conn, "hall")
    engine.dispose()
    assert while_streaming == []
    assert after_end == ([reply], [reply], [reply])
    assert later == [reply]


@pytest.mark.parametrize(
    ("parts", "indexed"),
    [
        ([], False),
        ({"type": "text", "text": "kitchen: an object, not a list"}, False),
        ([5, "kitchen", None, [1]], False),
        ([{"type": "effect", "room": "kitchen", "old_celsius": "warm", "new_celsius": None}], True),
        ([{"type": "text"}, {"type": "suggestions", "texts": ["kitchen"]}], False),
        ([{"type": "text", "text": "kitchen " * 30_000}], True),
    ],
)
def test_odd_parts_never_stop_a_write(database_url: str, parts: object, indexed: bool) -> None:
    """Only text and changes are indexed (the first 100,000 characters of a message)."""
    engine = create_engine(to_sync_url(database_url))
    with engine.begin() as conn:
        _owner_and_thread(conn)
        message_id = _message(conn, parts)
    with engine.connect() as conn:
        found = _found(conn, "kitchen")
    engine.dispose()
    assert found == ([message_id] if indexed else [])


def test_the_downgrade_takes_the_index_away(database_url: str) -> None:
    engine = create_engine(to_sync_url(database_url))
    with engine.connect() as conn:
        at_head = _index_objects(conn)
    command.downgrade(alembic_config(database_url), "0011")
    with engine.begin() as conn:
        after = _index_objects(conn)
        _owner_and_thread(conn)
        _message(conn, KITCHEN_TO_19)  # no trigger left behind to fail
    engine.dispose()
    assert len(at_head) >= 4 and after == []


def test_alembic_compares_everything_but_the_index() -> None:
    for table in ["message_search", "message_search_data", "message_search_config"]:
        assert not include_name(table, "table", {})
    for table in ["message", "thread", "searches"]:
        assert include_name(table, "table", {})
    assert include_name("message_search", "column", {"table_name": "x"})
