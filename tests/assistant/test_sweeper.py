"""The sweeper: runs whose worker stopped beating are expired at start, then periodically, and a
failed sweep does not end the sweeping."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta

import pytest
from alembic import command

from app.assistant.runs import create_run, run_status
from app.assistant.sweeper import sweep_stale_runs
from app.db.migrate import alembic_config
from app.db.models import Run, utcnow
from app.db.session import SessionFactory
from app.db.statuses import RunStatus
from tests.support.people import owned_thread
from tests.support.waits import wait_until


async def _silent_run(sessions: SessionFactory, silent_for_s: float) -> int:
    """A run in progress whose last heartbeat was `silent_for_s` ago."""
    async with sessions() as session:
        thread = await owned_thread(session)
        run, _, _ = await create_run(
            session, thread.id or 0, thread.user_id or 0, "hi", max_steps=8, provider="test"
        )
        run.status = RunStatus.in_progress
        run.heartbeat_at = utcnow() - timedelta(seconds=silent_for_s)
        session.add(run)
        await session.commit()
    return run.id or 0


def _has_status(sessions: SessionFactory, run_id: int, status: str) -> Callable:
    async def check() -> bool:
        async with sessions() as session:
            return await run_status(session, run_id) == status

    return check


@asynccontextmanager
async def _sweeping(sessions: SessionFactory, interval_s: float) -> AsyncIterator[None]:
    sweeper = asyncio.create_task(
        sweep_stale_runs(sessions, stale_after_s=60, interval_s=interval_s)
    )
    try:
        yield
    finally:
        sweeper.cancel()
        await asyncio.wait([sweeper])
    assert sweeper.cancelled(), "the sweeper ended by itself"


async def test_the_sweeper_expires_at_start(sessions: SessionFactory) -> None:
    run_id = await _silent_run(sessions, 120)
    async with _sweeping(sessions, interval_s=30):
        await wait_until(
            _has_status(sessions, run_id, "expired"), "the sweeper expired the silent run"
        )


async def test_runs_that_fall_silent_later_are_expired_by_a_later_sweep(
    sessions: SessionFactory,
) -> None:
    beating = await _silent_run(sessions, 5)
    async with _sweeping(sessions, interval_s=0.05):
        async with sessions() as session:
            run = await session.get(Run, beating)
            assert run is not None
            run.heartbeat_at = utcnow() - timedelta(seconds=120)
            await session.commit()
        await wait_until(_has_status(sessions, beating, "expired"), "a later sweep expired the run")


async def test_a_failed_sweep_does_not_end_the_sweeping(
    sessions: SessionFactory, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    config = alembic_config(database_url)
    # Keep pytest's log capture: the migrations would otherwise load alembic.ini's logging.
    config.attributes["configure_logger"] = False
    await asyncio.to_thread(command.downgrade, config, "base")
    async with _sweeping(sessions, interval_s=0.05):
        await wait_until(
            lambda: "Sweeping stale runs failed" in caplog.text, "a sweep failed with no tables"
        )
        await asyncio.to_thread(command.upgrade, config, "head")
        run_id = await _silent_run(sessions, 120)
        await wait_until(
            _has_status(sessions, run_id, "expired"),
            "a sweep after the failures expired the silent run",
            timeout_s=10,
        )
