"""A full-text index over every message: its text and the changes to the home it made.

One document per message: its text parts, then each effect part as "<room> <old> <new>" (so
"kitchen 19" finds the reply that set the kitchen to 19). Effect parts are written in the
transaction that writes the Effect row, so they say what the ledger says.

- SQLite: an FTS5 table `message_search` (rowid = message id; the unicode61 tokenizer, which
  lower-cases and strips diacritics: "kuche" finds "Küche").
- Postgres: a table `message_search` (message id, `tsvector`) with a GIN index, built with
  the `simple` configuration (no stemming: English and German words match as typed) after
  `hearth_search_fold`, which lower-cases, strips the diacritics of Latin letters and turns
  punctuation into spaces, so words are runs of letters and digits as in SQLite ("19.5" and
  "19,5" are both 19 then 5).

Triggers on `message` keep the index in step with every write (the engine's checkpoints,
the API, an admin's repair, a bulk import): a writer cannot forget it. The text indexed is
capped at 100,000 characters a message (a tsvector holds at most 1 MB).

A later revision that rebuilds `message` on SQLite (`batch_alter_table`) drops these
triggers with the old table and must create them again (tests/db/test_search_index.py fails
until it does).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MAX_CHARS = 100_000

# Postgres: punctuation becomes a space, a Latin letter with diacritics its base letter.
# (Written out, not computed: an applied revision must not change with the code.)
_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~«»„“”‚‘’‹›–—…·°•¡¿§¶€£¥©®™×÷→←↑↓"
_ACCENTED = (
    "ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĒēĔĕĖėĘęĚěĜĝĞğĠġĢģ"
    "ĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžſƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚ"
    "ǛǜǞǟǠǡǦǧǨǩǪǫǬǭǰǴǵǸǹǺǻȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȞȟȦȧȨȩȪȫȬȭȮȯȰȱȲȳ"
)
_BASES = (
    "aaaaaaceeeeiiiinooooouuuuyaaaaaaceeeeiiiinooooouuuuyyaaaaaaccccccccddeeeeeeeeeegggggggg"
    "hhiiiiiiiiijjkkllllllnnnnnnoooooorrrrrrssssssssttttuuuuuuuuuuuuwwyyyzzzzzzsoouuaaiioouuuu"
    "uuuuuuaaaaggkkoooojggnnaaaaaaeeeeiiiioooorrrruuuusstthhaaeeooooooooyy"
)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _sqlite_document(parts: str) -> str:
    """The SQL for the text a message is indexed by, from its `parts` column."""
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


def _upgrade_sqlite() -> None:
    document = _sqlite_document("NEW.parts")
    op.execute(
        "CREATE VIRTUAL TABLE message_search USING fts5("
        "body, tokenize = 'unicode61 remove_diacritics 2')"
    )
    op.execute(
        f"""CREATE TRIGGER message_search_insert AFTER INSERT ON message BEGIN
            INSERT INTO message_search (rowid, body) VALUES (NEW.id, {document});
        END"""
    )
    op.execute(
        f"""CREATE TRIGGER message_search_update AFTER UPDATE OF parts ON message
        WHEN OLD.parts IS NOT NEW.parts BEGIN
            DELETE FROM message_search WHERE rowid = OLD.id;
            INSERT INTO message_search (rowid, body) VALUES (NEW.id, {document});
        END"""
    )
    op.execute(
        """CREATE TRIGGER message_search_delete AFTER DELETE ON message BEGIN
            DELETE FROM message_search WHERE rowid = OLD.id;
        END"""
    )
    op.execute(
        "INSERT INTO message_search (rowid, body) "
        f"SELECT id, {_sqlite_document('parts')} FROM message"
    )


def _upgrade_postgres() -> None:
    op.execute(
        f"""CREATE FUNCTION hearth_search_fold(words text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT translate(lower(words), {_literal(_PUNCTUATION + _ACCENTED)},
                {_literal(" " * len(_PUNCTUATION) + _BASES)})
        $$"""
    )
    op.execute(
        """CREATE FUNCTION hearth_search_number(stored text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT CASE WHEN stored ~ '^-?[0-9]+([.][0-9]+)?$'
                THEN trim_scale(stored::numeric)::text ELSE stored END
        $$"""
    )
    op.execute(
        f"""CREATE FUNCTION hearth_search_text(parts json) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT left(coalesce(string_agg(
                CASE part->>'type'
                    WHEN 'text' THEN part->>'text'
                    WHEN 'effect' THEN concat_ws(' ', part->>'room',
                        hearth_search_number(part->>'old_celsius'),
                        hearth_search_number(part->>'new_celsius'))
                END, ' ' ORDER BY position), ''), {_MAX_CHARS})
            FROM json_array_elements(
                CASE WHEN json_typeof(parts) = 'array' THEN parts ELSE '[]' END
            ) WITH ORDINALITY AS element(part, position)
            WHERE json_typeof(part) = 'object'
        $$"""
    )
    op.execute(
        """CREATE FUNCTION hearth_search_document(parts json) RETURNS tsvector
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT to_tsvector('simple', hearth_search_fold(hearth_search_text(parts)))
        $$"""
    )
    op.execute(
        """CREATE TABLE message_search (
            message_id INTEGER PRIMARY KEY REFERENCES message (id) ON DELETE CASCADE,
            document TSVECTOR NOT NULL
        )"""
    )
    op.execute(
        """CREATE FUNCTION hearth_message_search_sync() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO message_search (message_id, document)
            VALUES (NEW.id, hearth_search_document(NEW.parts))
            ON CONFLICT (message_id) DO UPDATE SET document = EXCLUDED.document;
            RETURN NULL;
        END
        $$"""
    )
    op.execute(
        """CREATE TRIGGER message_search_insert AFTER INSERT ON message
        FOR EACH ROW EXECUTE FUNCTION hearth_message_search_sync()"""
    )
    # json has no equality: compared as text, an unchanged message is not indexed again.
    op.execute(
        """CREATE TRIGGER message_search_update AFTER UPDATE OF parts ON message
        FOR EACH ROW WHEN (OLD.parts::text IS DISTINCT FROM NEW.parts::text)
        EXECUTE FUNCTION hearth_message_search_sync()"""
    )
    op.execute(
        "INSERT INTO message_search (message_id, document) "
        "SELECT id, hearth_search_document(parts) FROM message"
    )
    op.execute("CREATE INDEX ix_message_search_document ON message_search USING GIN (document)")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgres()
    else:
        _upgrade_sqlite()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER message_search_update ON message")
        op.execute("DROP TRIGGER message_search_insert ON message")
        op.execute("DROP FUNCTION hearth_message_search_sync()")
        op.execute("DROP TABLE message_search")
        op.execute("DROP FUNCTION hearth_search_document(json)")
        op.execute("DROP FUNCTION hearth_search_text(json)")
        op.execute("DROP FUNCTION hearth_search_number(text)")
        op.execute("DROP FUNCTION hearth_search_fold(text)")
    else:
        op.execute("DROP TRIGGER message_search_delete")
        op.execute("DROP TRIGGER message_search_update")
        op.execute("DROP TRIGGER message_search_insert")
        op.execute("DROP TABLE message_search")
