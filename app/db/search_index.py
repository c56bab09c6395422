"""The full-text index over messages (revision 0012): what it is called, and how Alembic
leaves it out when it compares the database with the models.

It is no model: on SQLite it is an FTS5 virtual table (with the shadow tables FTS5 keeps
beside it, `message_search_data` and the like), on Postgres a table of `tsvector`s, both
kept by triggers on `message`.
"""

from __future__ import annotations

from collections.abc import Mapping

SEARCH_TABLE = "message_search"


def is_search_index_table(name: str | None) -> bool:
    """Whether a table is the search index or one of FTS5's shadow tables of it."""
    return name is not None and (name == SEARCH_TABLE or name.startswith(f"{SEARCH_TABLE}_"))


def include_name(name: str | None, type_: str, _parent_names: Mapping[str, str | None]) -> bool:
    """Alembic's `include_name` hook: every object but the search index's tables."""
    return not (type_ == "table" and is_search_index_table(name))
