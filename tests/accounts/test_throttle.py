"""Throttles in the database: an attempt is counted before the check it pays for, waits start
after the free attempts and double up to a ceiling, and a burst from several workers cannot
get more checks than the limit allows."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest

from app.accounts.errors import TooManyAttempts
from app.accounts.throttle import Bucket, Limit, release, reserve, wait_for
from app.db.models import SigninThrottle, utcnow
from app.db.session import SessionFactory, create_engine_async, create_session_factory

LIMIT = Limit(free_attempts=3, first_wait_s=60, max_wait_s=300, forget_after_s=3600)
HERE = Bucket("src:203.0.113.9", LIMIT, "this address")
NAME = Bucket(
    "name:erin", Limit(free_attempts=5, first_wait_s=30, max_wait_s=600, forget_after_s=3600)
)


async def _try(sessions: SessionFactory, now: datetime, *buckets: Bucket) -> str:
    """One attempt: "counted", "counted, wait N" when it starts a wait, or "refused N"."""
    async with sessions() as session:
        try:
            started = await reserve(session, buckets or (HERE,), now)
        except TooManyAttempts as refused:
            return f"refused {refused.retry_after_s}"
    return ", ".join(["counted", *(f"wait {s}" for _, s in started)])


async def _row(sessions: SessionFactory, bucket: Bucket = HERE) -> tuple[int, datetime | None]:
    async with sessions() as session:
        row = await session.get(SigninThrottle, bucket.key)
    assert row is not None
    return row.failures, row.blocked_until


@pytest.mark.parametrize(
    ("failures", "wait_s"), [(0, 0), (2, 0), (3, 60), (4, 120), (5, 240), (6, 300), (99, 300)]
)
def test_waits_start_after_the_free_attempts_and_double_to_the_ceiling(
    failures: int, wait_s: int
) -> None:
    assert LIMIT.wait_after(failures) == timedelta(seconds=wait_s)


async def test_past_the_free_attempts_each_further_one_waits_and_is_not_counted(
    sessions: SessionFactory,
) -> None:
    now = utcnow()
    tries = [await _try(sessions, now) for _ in range(5)]
    assert tries == ["counted", "counted", "counted, wait 60", "refused 60", "refused 60"]
    assert await _row(sessions) == (3, now + timedelta(seconds=60))
    assert await _try(sessions, now + timedelta(seconds=59.5)) == "refused 1"
    later = now + timedelta(seconds=60)
    assert await _try(sessions, later) == "counted, wait 120"
    assert await _row(sessions) == (4, later + timedelta(seconds=120))


async def test_a_bucket_left_alone_long_enough_starts_from_nothing(
    sessions: SessionFactory,
) -> None:
    now = utcnow()
    for _ in range(3):
        await _try(sessions, now)
    assert await _try(sessions, now + timedelta(seconds=3599)) == "counted, wait 120"
    idle = now + timedelta(seconds=3599 + 3600)
    assert await _try(sessions, idle) == "counted"
    assert await _row(sessions) == (1, None)


async def test_when_any_bucket_waits_none_is_counted_and_the_longest_wait_is_told(
    sessions: SessionFactory,
) -> None:
    now = utcnow()
    for _ in range(3):
        await _try(sessions, now, HERE)
    assert await _try(sessions, now + timedelta(seconds=10), NAME, HERE) == "refused 50"
    assert await _row(sessions, NAME) == (0, None)
    assert await _row(sessions, HERE) == (3, now + timedelta(seconds=60))


async def test_a_success_gives_its_reservation_back_and_clear_starts_afresh(
    sessions: SessionFactory,
) -> None:
    now = utcnow()
    for _ in range(3):
        await _try(sessions, now, HERE, NAME)
    async with sessions() as session:
        await release(session, [HERE, NAME], now)
    # Back below the free attempts: the wait is lifted.
    assert await _row(sessions, HERE) == (2, None)
    assert await _row(sessions, NAME) == (2, None)
    async with sessions() as session:
        await release(session, [HERE, NAME], now, clear=[NAME.key])
    assert await _row(sessions, HERE) == (1, None)
    assert await _row(sessions, NAME) == (0, None)


async def test_the_wait_left_is_read_without_counting(sessions: SessionFactory) -> None:
    now = utcnow()
    async with sessions() as session:
        assert await wait_for(session, HERE, now) == 0
    for _ in range(3):
        await _try(sessions, now)
    async with sessions() as session:
        assert await wait_for(session, HERE, now + timedelta(seconds=0.5)) == 60
        assert await wait_for(session, HERE, now + timedelta(seconds=59.1)) == 1
        assert await wait_for(session, HERE, now + timedelta(seconds=60)) == 0
    assert (await _row(sessions))[0] == 3


async def test_a_burst_over_two_workers_gets_only_the_free_attempts(
    sessions: SessionFactory, database_url: str
) -> None:
    """Thirty attempts at once, half through another engine (another worker's pool)."""
    other_engine = create_engine_async(database_url)
    factories = [sessions, create_session_factory(other_engine)]
    now = utcnow()
    try:
        outcomes = await asyncio.gather(*(_try(factories[i % 2], now) for i in range(30)))
    finally:
        await other_engine.dispose()
    assert sorted(o.split(",")[0] for o in outcomes) == ["counted"] * 3 + ["refused 60"] * 27
    assert await _row(sessions) == (3, now + timedelta(seconds=60))
