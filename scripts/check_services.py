"""Before the hosted test pass: are Postgres and Redis reachable? Say how to fix it if not."""

from __future__ import annotations

import os
import sys

import psycopg
import redis

POSTGRES_URL = os.environ.get(
    "HEARTH_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("HEARTH_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def main() -> int:
    problems = []
    try:
        with psycopg.connect(POSTGRES_URL, connect_timeout=5) as connection:
            connection.execute("SELECT 1")
    except Exception as exc:
        problems.append(f"Postgres is not reachable at {POSTGRES_URL}: {str(exc).strip()}")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=5).ping()
    except Exception as exc:
        problems.append(f"Redis is not reachable at {REDIS_URL}: {exc}")
    if not problems:
        return 0
    print("\n".join(problems), file=sys.stderr)
    print(
        "The test suite also runs against Postgres and Redis (the hosted configuration).\n"
        "Start them on 127.0.0.1:5432 (a user that may create databases, e.g. postgres with\n"
        "trust auth) and 127.0.0.1:6379, or point HEARTH_TEST_POSTGRES_URL and\n"
        "HEARTH_TEST_REDIS_URL at servers you have. `make test-local` runs only the default\n"
        "configuration (SQLite, one worker).",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
