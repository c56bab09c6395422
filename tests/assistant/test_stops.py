"""Stops from other workers: heard as they commit on the change feed (in one process, and
through real Redis between two), or found by one query for the runs marked `cancelling`; only
their tasks are cancelled, once."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest

from app.assistant.change_feed import ChangeFeed, LocalChanges, RedisChanges
from app.assistant.runs import create_run, request_stop
from app.assistant.stops import StopWatcher, cancel_once
from app.db.session import SessionFactory, create_session_factory
from tests.conftest import REDIS_URL
from tests.support.people import owned_thread


async def _run(sessions: SessionFactory) -> tuple[int, int]:
    async with sessions() as session:
        thread = await owned_thread(session)
        run, _, _ = await create_run(
            session, thread.id or 0, thread.user_id or 0, "hi", max_steps=8, provider="test"
        )
    return run.id or 0, thread.user_id or 0


async def _two_driven(
    sessions: SessionFactory,
) -> tuple[int, int, int, dict[int, asyncio.Task[None]]]:
    """Two runs of one owner (one to stop, one going on), each "driven" by a task that
    waits forever: (stopped, going, owner, run id -> task)."""
    stopped, owner = await _run(sessions)
    going, _ = await _run(sessions)
    forever = asyncio.Event()
    driving = {
        stopped: asyncio.create_task(forever.wait()),
        going: asyncio.create_task(forever.wait()),
    }
    return stopped, going, owner, driving


async def test_only_runs_someone_stopped_are_cancelled(sessions: SessionFactory) -> None:
    stopped, going, owner, driving = await _two_driven(sessions)
    watcher = StopWatcher(sessions, driving, interval_s=0.02)
    watcher.wake()
    async with sessions() as session:
        assert await request_stop(session, stopped, owner)
    await asyncio.wait_for(asyncio.wait([driving[stopped]]), 5)
    assert driving[stopped].cancelled()
    assert not driving[going].done()
    driving[going].cancel()
    driving.clear()


async def test_a_task_being_cancelled_is_not_cancelled_again() -> None:
    cleaned = asyncio.Event()

    async def slow_cleanup() -> None:
        try:
            await asyncio.Event().wait()
        finally:
            await asyncio.sleep(0.05)  # bookkeeping a second cancel would cut short
            cleaned.set()

    task = asyncio.create_task(slow_cleanup())
    await asyncio.sleep(0)
    cancel_once(task)
    await asyncio.sleep(0)
    cancel_once(task)
    await asyncio.wait([task])
    assert cleaned.is_set()


@pytest.mark.parametrize("feed", ["local", "redis"])
async def test_a_stop_committed_elsewhere_is_heard_at_once_not_at_the_next_poll(
    sessions: SessionFactory, feed: str
) -> None:
    """The worker that records a Stop tells it on the change feed as it commits; the one
    driving the run cancels it at once, though it asks the database only every minute."""
    prefix = f"hearth-test:{uuid.uuid4().hex[:8]}:"
    here: ChangeFeed
    there: ChangeFeed
    if feed == "local":
        here = there = LocalChanges()
    else:
        here, there = RedisChanges(REDIS_URL, prefix), RedisChanges(REDIS_URL, prefix)
    # The other worker's sessions: what commits there is told on its feed.
    elsewhere = create_session_factory(sessions.kw["bind"], there.publish)
    stopped, going, owner, driving = await _two_driven(sessions)
    watcher = StopWatcher(sessions, driving, interval_s=60, changes=here, fallback_s=60)
    watcher.wake()
    if isinstance(here, RedisChanges):
        await asyncio.wait_for(here.wait_listening(), 5)
    await asyncio.sleep(0.2)  # the watcher's first look at the database is behind it
    started = time.monotonic()
    async with elsewhere() as session:
        assert await request_stop(session, stopped, owner)
    await asyncio.wait_for(asyncio.wait([driving[stopped]]), 5)
    assert time.monotonic() - started < 2
    assert driving[stopped].cancelled() and not driving[going].done()
    driving[going].cancel()
    driving.clear()
    watcher.rest()
    await asyncio.wait_for(watcher.idle(), 5)
    await here.close()
    await there.close()
