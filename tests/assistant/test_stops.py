"""Stops from other workers: one query finds the runs marked `cancelling`, and only their
tasks are cancelled, once."""

from __future__ import annotations

import asyncio

from app.assistant.runs import create_run, request_stop
from app.assistant.stops import StopWatcher, cancel_once
from app.db.session import SessionFactory
from tests.support.people import owned_thread


async def _run(sessions: SessionFactory) -> tuple[int, int]:
    async with sessions() as session:
        thread = await owned_thread(session)
        run, _, _ = await create_run(
            session, thread.id or 0, thread.user_id or 0, "hi", max_steps=8, provider="test"
        )
    return run.id or 0, thread.user_id or 0


async def test_only_runs_someone_stopped_are_cancelled(sessions: SessionFactory) -> None:
    stopped, owner = await _run(sessions)
    going, _ = await _run(sessions)
    forever = asyncio.Event()
    driving = {
        stopped: asyncio.create_task(forever.wait()),
        going: asyncio.create_task(forever.wait()),
    }
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
