"""Throttles kept in the database, shared by every worker, that a burst cannot outrun.

An attempt is *reserved* (counted as a failure) before the slow check it pays for, in a
transaction that locks its buckets; a success gives the reservation back. Past a bucket's free
attempts each further one must wait, and the wait doubles up to a ceiling.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.accounts.errors import TooManyAttempts
from app.db.models import SigninThrottle


@dataclass(frozen=True)
class Limit:
    """How many failures a bucket allows before waits start, and how the waits grow."""

    free_attempts: int
    first_wait_s: float
    max_wait_s: float
    # A bucket with no attempt for this long starts again from nothing.
    forget_after_s: float

    def wait_after(self, failures: int) -> timedelta:
        """The wait imposed once a bucket holds this many failures (none below the free)."""
        if failures < self.free_attempts:
            return timedelta(0)
        doublings = min(failures - self.free_attempts, 30)
        return timedelta(seconds=min(self.first_wait_s * 2**doublings, self.max_wait_s))


@dataclass(frozen=True)
class Bucket:
    """One thing counted: a key (such as `src:203.0.113.9`), its limit, and what it counts
    in words (for the audit trail)."""

    key: str
    limit: Limit
    what: str = ""


async def _locked_rows(
    session: AsyncSession, buckets: Sequence[Bucket], now: datetime
) -> dict[str, SigninThrottle]:
    # The first statement writes, so SQLite takes its write lock (waiting its busy timeout)
    # before anything is read; Postgres locks the rows FOR UPDATE, in key order (no deadlock).
    keys = sorted({bucket.key for bucket in buckets})
    dialect = (await session.connection()).dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    rows = [{"key": key, "failures": 0, "last_attempt_at": now} for key in keys]
    await session.exec(insert(SigninThrottle).values(rows).on_conflict_do_nothing())
    query = (
        select(SigninThrottle)
        .where(col(SigninThrottle.key).in_(keys))
        .order_by(col(SigninThrottle.key))
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {row.key: row for row in (await session.exec(query)).all()}


def _forget_if_idle(row: SigninThrottle, limit: Limit, now: datetime) -> None:
    idle = now - row.last_attempt_at >= timedelta(seconds=limit.forget_after_s)
    if idle and (row.blocked_until is None or row.blocked_until <= now):
        row.failures, row.blocked_until = 0, None


async def reserve(
    session: AsyncSession, buckets: Sequence[Bucket], now: datetime
) -> list[tuple[Bucket, int]]:
    """Count one attempt in every bucket, or raise TooManyAttempts (counting nothing) if any
    of them is waiting. Commits: the count holds before the caller's slow check starts.
    Returns the buckets this attempt made wait (a lockout begins), with their waits in s."""
    rows = await _locked_rows(session, buckets, now)
    waits: list[timedelta] = []
    for bucket in buckets:
        row = rows[bucket.key]
        _forget_if_idle(row, bucket.limit, now)
        if row.blocked_until is not None and row.blocked_until > now:
            waits.append(row.blocked_until - now)
    if waits:
        # Commit (not roll back): a rollback would expire every row the caller holds.
        await session.commit()
        raise TooManyAttempts(max(1, int(max(waits).total_seconds() + 0.999)))
    started: list[tuple[Bucket, int]] = []
    for bucket in buckets:
        row = rows[bucket.key]
        row.failures += 1
        row.last_attempt_at = now
        wait = bucket.limit.wait_after(row.failures)
        if wait:
            row.blocked_until = now + wait
            started.append((bucket, int(wait.total_seconds())))
        session.add(row)
    await session.commit()
    return started


async def release(
    session: AsyncSession, buckets: Sequence[Bucket], now: datetime, *, clear: Sequence[str] = ()
) -> None:
    """Give back a reservation that succeeded; the buckets named in `clear` start afresh."""
    rows = await _locked_rows(session, buckets, now)
    for bucket in buckets:
        row = rows[bucket.key]
        row.failures = 0 if bucket.key in clear else max(0, row.failures - 1)
        if row.failures < bucket.limit.free_attempts:
            row.blocked_until = None
        session.add(row)
    await session.commit()


async def wait_for(session: AsyncSession, bucket: Bucket, now: datetime) -> int:
    """Seconds until the bucket takes another attempt (0: now); reads, locks nothing."""
    row = await session.get(SigninThrottle, bucket.key, populate_existing=True)
    if row is None or row.blocked_until is None or row.blocked_until <= now:
        return 0
    return max(1, int((row.blocked_until - now).total_seconds() + 0.999))
