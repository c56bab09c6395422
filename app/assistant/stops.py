"""Stops made on other workers: one query for every run this process drives, then a cancel.

A Stop is recorded in the database (`cancelling`) by whichever worker the person's tab is
on. Here one task asks once per interval about every run this process drives and cancels the
tasks of those marked, so a hundred streaming runs cost one query per interval, not a hundred.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping

from app.assistant.runs import runs_cancelling
from app.db.session import SessionFactory

logger = logging.getLogger(__name__)


def cancel_once(task: asyncio.Task[None]) -> None:
    """Cancel a task unless it is already being cancelled (a second cancel would cut short
    the bookkeeping the first one started)."""
    if not task.done() and not task.cancelling():
        task.cancel()


class StopWatcher:
    """Cancels the driving tasks (`run_id -> task`) of runs someone asked to stop."""

    def __init__(
        self, sessions: SessionFactory, driving: Mapping[int, asyncio.Task[None]], interval_s: float
    ) -> None:
        self._sessions, self._driving, self._interval_s = sessions, driving, interval_s
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        """Make sure the watching task runs on this loop (it ends when nothing is driven)."""
        loop = asyncio.get_running_loop()
        if self._task is None or self._task.done() or self._task.get_loop() is not loop:
            self._task = loop.create_task(self._watch())

    async def idle(self) -> None:
        """Wait until the watching task has ended (it does once nothing is driven here)."""
        if self._task is not None and self._task.get_loop() is asyncio.get_running_loop():
            await asyncio.wait([self._task])

    async def _watch(self) -> None:
        while self._driving:
            await asyncio.sleep(self._interval_s)
            watched = list(self._driving)
            if not watched:
                break
            try:
                async with self._sessions() as session:
                    stopping = await runs_cancelling(session, watched)
            except Exception:
                logger.exception("Looking for stop requests failed; trying again")
                continue
            for run_id in stopping:
                task = self._driving.get(run_id)
                if task is not None:
                    logger.info("Run %s was stopped from elsewhere", run_id)
                    cancel_once(task)
