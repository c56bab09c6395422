"""Search over 10,000 threads × 20 messages: how long a search takes, what the index costs.

A fresh database at the revision before the search index (0011) is filled in bulk
(`bench/search_corpus.py`: 9,000 threads of the person who searches, 1,000 of a neighbour;
2% of the searcher's deleted). Then the index is built the way a deployment builds it, by
migration 0012, on the existing rows; the time it takes and the database's size before and
after are printed. A message update (the engine's checkpoint while a reply streams) is timed
without the index and with it (its triggers). Last, a few hundred varied searches (rooms,
rooms with values, German, words as they are being typed, phrases, rare words, words found
nowhere, query syntax) go through `search_messages` exactly as the API and the web UI call
it, a new session each, after a few untimed ones; printed: p50, p95, p99 and max in ms, the
hits a search returned on average, and p50 / p95 by kind of search.

    python bench/search.py                  # SQLite, then Postgres
    python bench/search.py --db sqlite
    python bench/search.py --db postgres --postgres-url postgresql://postgres@127.0.0.1/postgres
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from alembic import command  # noqa: E402
from alembic.config import Config  # noqa: E402
from sqlalchemy import Engine, create_engine, insert, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from app.assistant.search import search_messages  # noqa: E402
from app.db.migrate import alembic_config  # noqa: E402
from app.db.models import Message, Thread, User  # noqa: E402
from app.db.session import create_engine_async, create_session_factory  # noqa: E402
from app.urls import to_sync_url  # noqa: E402
from bench.search_corpus import searches, thread_messages  # noqa: E402

BEFORE_INDEX = "0011"
SEARCHER, NEIGHBOUR = 1, 2
NEIGHBOURS_SHARE = 0.1
DELETED_SHARE = 0.02
WARM_UP = 30
TIMED_WRITES = 300


def fresh_database(kind: str, postgres_url: str, folder: Path) -> tuple[str, str]:
    """A database at the revision before the search index: its URL and (Postgres) name."""
    if kind == "sqlite":
        url = f"sqlite:///{folder / f'search-{uuid.uuid4().hex[:8]}.db'}"
        name = ""
    else:
        name = f"hearth_bench_{uuid.uuid4().hex[:8]}"
        admin = make_url(postgres_url).set(drivername="postgresql+psycopg")
        with psycopg.connect(admin.set(drivername="postgresql").render_as_string(False)) as conn:
            conn.autocommit = True
            conn.execute(f'CREATE DATABASE "{name}"')
        url = admin.set(database=name).render_as_string(hide_password=False)
    command.upgrade(_quiet_config(url), BEFORE_INDEX)
    return url, name


def _quiet_config(url: str) -> Config:
    """Alembic's config for `url`, without its logging set-up (the numbers stay readable)."""
    config = alembic_config(url)
    config.attributes["configure_logger"] = False
    return config


def drop_database(postgres_url: str, name: str) -> None:
    admin = make_url(postgres_url).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(admin) as conn:
        conn.autocommit = True
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _rows(threads: int, messages: int, rng: random.Random):
    """Thread rows and message rows (dicts) of the whole corpus."""
    start = datetime.now(UTC) - timedelta(days=365)
    step = timedelta(days=365) / threads
    thread_rows, message_rows = [], []
    for number in range(1, threads + 1):
        at = start + step * number
        owner = NEIGHBOUR if rng.random() < NEIGHBOURS_SHARE else SEARCHER
        deleted = (
            at + timedelta(hours=1) if owner == SEARCHER and rng.random() < DELETED_SHARE else None
        )
        said = list(thread_messages(rng, messages))
        title = said[0][1][0]["text"][:80]
        thread_rows.append(
            {
                "id": number,
                "user_id": owner,
                "title": title,
                "created_at": at,
                "updated_at": at,
                "deleted_at": deleted,
            }
        )
        for index, (role, parts) in enumerate(said):
            moment = at + timedelta(seconds=20 * index)
            message_rows.append(
                {
                    "thread_id": number,
                    "role": role,
                    "parts": parts,
                    "status": "complete",
                    "created_at": moment,
                    "updated_at": moment,
                }
            )
    return thread_rows, message_rows


def fill(engine: Engine, kind: str, threads: int, messages: int, seed: int) -> tuple[float, int]:
    """Bulk-insert the corpus; the seconds it took and the number of messages."""
    thread_rows, message_rows = _rows(threads, messages, random.Random(seed))
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(
            insert(User),
            [
                {"id": SEARCHER, "username": "searcher", "password_hash": "!"},
                {"id": NEIGHBOUR, "username": "neighbour", "password_hash": "!"},
            ],
        )
        conn.execute(insert(Thread), thread_rows)
        if kind == "sqlite":
            conn.execute(insert(Message), message_rows)
        else:
            # COPY: the fast way into Postgres (the JSON as text, the times in ISO 8601).
            raw = conn.connection.driver_connection
            with (
                raw.cursor() as cursor,
                cursor.copy(
                    "COPY message (thread_id, role, parts, status, created_at, updated_at) "
                    "FROM STDIN"
                ) as copy,
            ):
                for row in message_rows:
                    copy.write_row(
                        (
                            row["thread_id"],
                            row["role"],
                            json.dumps(row["parts"]),
                            row["status"],
                            row["created_at"].isoformat(),
                            row["updated_at"].isoformat(),
                        )
                    )
        if kind == "postgresql":
            conn.execute(text("SELECT setval('user_id_seq', 2)"))
            conn.execute(text("SELECT setval('thread_id_seq', :n)"), {"n": threads})
    return time.perf_counter() - started, len(message_rows)


def size_mb(engine: Engine, kind: str) -> float:
    """The database's size on disk (SQLite: the file and its WAL, checkpointed)."""
    with engine.connect() as conn:
        if kind == "postgresql":
            return (
                conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one() / 1e6
            )
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    path = Path(make_url(str(engine.url)).database or "")
    wal = path.with_name(path.name + "-wal")
    return (path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)) / 1e6


def update_ms(engine: Engine, count: int, seed: int) -> float:
    """p50 ms of a message update, each its own transaction (as a streaming checkpoint)."""
    rng = random.Random(seed)
    with engine.connect() as conn:
        top = conn.execute(text("SELECT max(id) FROM message")).scalar_one()
    took = []
    for _ in range(count):
        parts = json.dumps(
            [
                {
                    "type": "text",
                    "text": f"The kitchen is at {rng.randint(15, 25)} °C, "
                    "and the reply goes on streaming a few more words.",
                }
            ]
        )
        started = time.perf_counter()
        with engine.begin() as conn:
            conn.execute(
                text("UPDATE message SET parts = :parts WHERE id = :id"),
                {"parts": parts, "id": rng.randint(1, top)},
            )
        took.append((time.perf_counter() - started) * 1000)
    return statistics.median(took)


async def run_searches(url: str, planned: list[tuple[str, str]]) -> list[tuple[str, float, int]]:
    """(kind, ms, hits) of each search, a new session each (as a request has)."""
    engine = create_engine_async(url)
    sessions = create_session_factory(engine)
    results = []
    try:
        for kind, words in planned:
            started = time.perf_counter()
            async with sessions() as session:
                hits = await search_messages(session, SEARCHER, words)
            results.append((kind, (time.perf_counter() - started) * 1000, len(hits)))
    finally:
        await engine.dispose()
    return results


def _pct(values: list[float], pct: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def bench(kind: str, args: argparse.Namespace, folder: Path) -> None:
    url, name = fresh_database(kind, args.postgres_url, folder)
    engine = create_engine(to_sync_url(url))
    dialect = engine.dialect.name
    try:
        fill_s, count = fill(engine, dialect, args.threads, args.messages, args.seed)
        before_mb = size_mb(engine, dialect)
        update_before = update_ms(engine, TIMED_WRITES, args.seed)
        started = time.perf_counter()
        command.upgrade(_quiet_config(url), "head")
        build_s = time.perf_counter() - started
        analyze_s = 0.0
        if dialect == "postgresql":
            # What autovacuum does within a minute of a bulk change; the planner needs it.
            started = time.perf_counter()
            with engine.connect() as conn:
                conn.execute(text("ANALYZE"))
                conn.commit()
            analyze_s = time.perf_counter() - started
        after_mb = size_mb(engine, dialect)
        update_after = update_ms(engine, TIMED_WRITES, args.seed + 1)
        planned = searches(random.Random(args.seed), WARM_UP + args.searches)
        results = asyncio.run(run_searches(url, planned))[WARM_UP:]
    finally:
        engine.dispose()
        if name:
            drop_database(args.postgres_url, name)
    took = [ms for _, ms, _ in results]
    print(
        f"\nsearch bench: {dialect}, {args.threads:,} threads x {args.messages} messages "
        f"({count:,} messages; the searcher's: {1 - NEIGHBOURS_SHARE:.0%} of the threads)"
    )
    print(f"fill {fill_s:.1f} s; database {before_mb:.1f} MB without the index")
    print(
        f"index build (migration 0012 on the existing rows) {build_s:.1f} s"
        + (f", then ANALYZE {analyze_s:.1f} s" if analyze_s else "")
        + f"; database {after_mb:.1f} MB (+{after_mb - before_mb:.1f} MB)"
    )
    print(
        f"a message update (a streaming checkpoint), p50: {update_before:.2f} ms without "
        f"the index, {update_after:.2f} ms with it"
    )
    print(
        f"{len(results)} searches (after {WARM_UP} untimed): p50 {_pct(took, 50):.1f} ms, "
        f"p95 {_pct(took, 95):.1f} ms, p99 {_pct(took, 99):.1f} ms, max {max(took):.1f} ms; "
        f"hits per search {statistics.mean(h for _, _, h in results):.1f}"
    )
    for kind_ in dict.fromkeys(k for k, _, _ in results):
        mine = [ms for k, ms, _ in results if k == kind_]
        print(f"  {kind_:<15} p50 {_pct(mine, 50):6.1f}  p95 {_pct(mine, 95):6.1f} ms")
    print(f"load average (/proc/loadavg): {Path('/proc/loadavg').read_text().strip()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "HEARTH_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
    )
    parser.add_argument("--threads", type=int, default=10_000)
    parser.add_argument("--messages", type=int, default=20)
    parser.add_argument("--searches", type=int, default=300)
    parser.add_argument("--seed", type=int, default=20261204)
    args = parser.parse_args()
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    with tempfile.TemporaryDirectory() as folder:
        for kind in kinds:
            bench(kind, args, Path(folder))


if __name__ == "__main__":
    main()
