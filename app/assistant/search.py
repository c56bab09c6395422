"""Search a person's threads: their messages' text and the changes to the home their turns
made, through the full-text index revision 0012 keeps (FTS5 on SQLite, `tsvector` on
Postgres).

Only the person's own threads are searched, never a deleted one. The newest
`RANKED_NEWEST` matching messages are ranked by relevance (bm25 on SQLite, `ts_rank` on
Postgres; newer first among equals): a word found in thousands of messages still answers in
milliseconds, with the best of the recent ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.assistant.search_query import SearchQuery, parse_query
from app.assistant.snippets import Segment, searchable_text, snippet
from app.db.models import Message, Thread
from app.db.search_index import SEARCH_TABLE

RANKED_NEWEST = 500
DEFAULT_HITS = 20
MAX_HITS = 50

_sqlite_index = sa.table(SEARCH_TABLE, sa.column("rowid", sa.Integer))
_postgres_index = sa.table(
    SEARCH_TABLE, sa.column("message_id", sa.Integer), sa.column("document", TSVECTOR)
)


@dataclass(frozen=True)
class SearchHit:
    """A message that matched: where it is (to open the thread at it) and what to show."""

    thread_id: int
    thread_client_id: str | None
    thread_title: str
    message_id: int
    role: str
    created_at: datetime
    snippet: list[Segment]


def _owned(query: Any, message_id: Any, user_id: int) -> Any:
    """`query` joined to the message and its thread, narrowed to the person's live threads."""
    return (
        query.join(Message, col(Message.id) == message_id)
        .join(Thread, col(Thread.id) == col(Message.thread_id))
        .where(Thread.user_id == user_id, col(Thread.deleted_at).is_(None))
    )


def _sqlite_ranked(query: SearchQuery, user_id: int, limit: int) -> Any:
    match = sa.literal_column(SEARCH_TABLE).op("MATCH")(query.fts5_match())
    rowid = _sqlite_index.c.rowid
    bm25 = sa.func.bm25(sa.literal_column(SEARCH_TABLE))
    newest = (
        _owned(
            sa.select(rowid.label("id"), bm25.label("rank")).select_from(_sqlite_index),
            rowid,
            user_id,
        )
        .where(match)
        # FTS5 walks its matches newest first and stops at the window.
        .order_by(rowid.desc())
        .limit(RANKED_NEWEST)
        .subquery()
    )
    # bm25: lower is better.
    return sa.select(newest.c.id).order_by(newest.c.rank, newest.c.id.desc()).limit(limit)


def _tsquery(query: SearchQuery) -> Any:
    """The query as a `tsquery`: each phrase folded and cut into words as the documents
    were (`hearth_search_fold`, the `simple` configuration), all of them ANDed."""
    simple = sa.literal_column("'simple'::regconfig")
    combined = None
    for index, phrase in enumerate(query.phrases):
        words = sa.func.phraseto_tsquery(simple, sa.func.hearth_search_fold(" ".join(phrase)))
        if query.prefix and index == len(query.phrases) - 1:
            # '19' <-> '5' becomes '19' <-> '5':* (the last word a prefix).
            as_prefix = sa.cast(sa.cast(words, sa.Text).concat(":*"), TSQUERY)
            words = sa.case((sa.func.numnode(words) == 0, words), else_=as_prefix)
        combined = words if combined is None else combined.op("&&")(words)
    return combined


def _postgres_ranked(query: SearchQuery, user_id: int, limit: int) -> Any:
    tsquery = _tsquery(query)
    index = _postgres_index
    newest = (
        _owned(
            sa.select(index.c.message_id.label("id"), index.c.document).select_from(index),
            index.c.message_id,
            user_id,
        )
        .where(index.c.document.op("@@")(tsquery))
        .order_by(index.c.message_id.desc())
        .limit(RANKED_NEWEST)
        .subquery()
    )
    rank = sa.func.ts_rank(newest.c.document, tsquery)
    return sa.select(newest.c.id).order_by(rank.desc(), newest.c.id.desc()).limit(limit)


async def search_messages(
    session: AsyncSession, user_id: int, text: str, limit: int = DEFAULT_HITS
) -> list[SearchHit]:
    """The person's messages that match `text`, best first, at most `limit`;
    `InvalidSearch` for text with nothing to search for."""
    query = parse_query(text)
    limit = max(1, min(limit, MAX_HITS))
    if session.get_bind().dialect.name == "postgresql":
        # At most RANKED_NEWEST rows are read: parallel workers cost more to start than they
        # save (measured: bench/search.py's p95 halves without them on two cores).
        await session.exec(sa.text("SET LOCAL max_parallel_workers_per_gather = 0"))
        ranked = _postgres_ranked(query, user_id, limit)
    else:
        ranked = _sqlite_ranked(query, user_id, limit)
    ids = list((await session.exec(ranked)).scalars())
    if not ids:
        return []
    rows = await session.exec(
        select(Message, Thread)
        .join(Thread, col(Thread.id) == col(Message.thread_id))
        .where(col(Message.id).in_(ids))
    )
    found = {message.id: (message, thread) for message, thread in rows}
    return [
        SearchHit(
            thread_id=thread.id or 0,
            thread_client_id=thread.client_id,
            thread_title=thread.title,
            message_id=message.id or 0,
            role=message.role,
            created_at=message.created_at,
            snippet=snippet(searchable_text(message.parts), query),
        )
        for message, thread in (found[i] for i in ids if i in found)
    ]
