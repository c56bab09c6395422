"""The search index takes a reply once its run has ended, not at every save while it streams.

A streaming reply is saved several times a second, each time whole; indexing it again at
every save (0012's update trigger) cost Postgres most of its CPU with a hundred replies
streaming. Now a write of a message whose run is still live (queued, in progress, waiting
for an action, being stopped) leaves the index as it is, and the run's end (its status
becoming terminal, in the transaction that writes the reply's last text) indexes the
messages of that run. Every other write keeps the index as before.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MAX_CHARS = 100_000
# The run statuses of a run still going (written out: an applied revision must not change
# with the code).
_LIVE = "('queued', 'in_progress', 'requires_action', 'cancelling')"


def _sqlite_document(parts: str) -> str:
    """The SQL for the text a message is indexed by, from its `parts` column (as 0012)."""
    number = "coalesce(printf('%g', json_extract(value, '$.{}')), '')"
    return f"""substr(coalesce((
        SELECT group_concat(piece, ' ') FROM (
            SELECT CASE json_extract(value, '$.type')
                WHEN 'text' THEN json_extract(value, '$.text')
                WHEN 'effect' THEN coalesce(json_extract(value, '$.room'), '')
                    || ' ' || {number.format("old_celsius")}
                    || ' ' || {number.format("new_celsius")}
            END AS piece
            FROM json_each(CASE WHEN json_valid({parts}) THEN {parts} ELSE '[]' END)
            WHERE type = 'object'
        )
    ), ''), 1, {_MAX_CHARS})"""


def _sqlite_update_trigger(while_live_too: bool) -> str:
    live = (
        ""
        if while_live_too
        else " AND NOT EXISTS (SELECT 1 FROM run WHERE run.id = NEW.run_id"
        f" AND run.status IN {_LIVE})"
    )
    document = _sqlite_document("NEW.parts")
    return f"""CREATE TRIGGER message_search_update AFTER UPDATE OF parts ON message
        WHEN OLD.parts IS NOT NEW.parts{live} BEGIN
            DELETE FROM message_search WHERE rowid = OLD.id;
            INSERT INTO message_search (rowid, body) VALUES (NEW.id, {document});
        END"""


def _postgres_sync(while_live_too: bool) -> str:
    skip = (
        ""
        if while_live_too
        else f"""IF TG_OP = 'UPDATE' AND NEW.run_id IS NOT NULL AND EXISTS (
                SELECT 1 FROM run WHERE id = NEW.run_id AND status IN {_LIVE}
            ) THEN
                RETURN NULL;
            END IF;
            """
    )
    return f"""CREATE OR REPLACE FUNCTION hearth_message_search_sync() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            {skip}INSERT INTO message_search (message_id, document)
            VALUES (NEW.id, hearth_search_document(NEW.parts))
            ON CONFLICT (message_id) DO UPDATE SET document = EXCLUDED.document;
            RETURN NULL;
        END
        $$"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_postgres_sync(while_live_too=False))
        op.execute(
            """CREATE FUNCTION hearth_run_search_end() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO message_search (message_id, document)
                SELECT id, hearth_search_document(parts) FROM message WHERE run_id = NEW.id
                ON CONFLICT (message_id) DO UPDATE SET document = EXCLUDED.document;
                RETURN NULL;
            END
            $$"""
        )
        op.execute(
            f"""CREATE TRIGGER message_search_run_end AFTER UPDATE OF status ON run
            FOR EACH ROW WHEN (OLD.status IN {_LIVE} AND NEW.status NOT IN {_LIVE})
            EXECUTE FUNCTION hearth_run_search_end()"""
        )
    else:
        op.execute("DROP TRIGGER message_search_update")
        op.execute(_sqlite_update_trigger(while_live_too=False))
        op.execute(
            f"""CREATE TRIGGER message_search_run_end AFTER UPDATE OF status ON run
            WHEN OLD.status IN {_LIVE} AND NEW.status NOT IN {_LIVE} BEGIN
                DELETE FROM message_search
                    WHERE rowid IN (SELECT id FROM message WHERE run_id = NEW.id);
                INSERT INTO message_search (rowid, body)
                    SELECT id, {_sqlite_document("parts")} FROM message WHERE run_id = NEW.id;
            END"""
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER message_search_run_end ON run")
        op.execute("DROP FUNCTION hearth_run_search_end()")
        op.execute(_postgres_sync(while_live_too=True))
    else:
        op.execute("DROP TRIGGER message_search_run_end")
        op.execute("DROP TRIGGER message_search_update")
        op.execute(_sqlite_update_trigger(while_live_too=True))
