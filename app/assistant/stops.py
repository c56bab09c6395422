"""Stops made on other workers: heard as they commit, then a cancel.

A Stop is recorded in the database (`cancelling`) by whichever worker the person's tab is
on, and told on the change feed (`STOPS_TOPIC`) as it commits. Here one task hears those
notices for every run this process drives and cancels the tasks of those stopped; it still
asks the database about all of them once per `fallback_s` (a notice lost on the way), one
query for every run at once. Without a change feed it asks every `interval_s`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping

from app.assistant.change_feed import ChangeFeed
from app.assistant.runs import runs_cancelling
from app.db.changes import STOPS_TOPIC
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
        self,
        sessions: SessionFactory,
        driving: Mapping[int, asyncio.Task[None]],
        interval_s: float,
        changes: ChangeFeed | None = None,
        fallback_s: float = 2.0,
    ) -> None:
        self._sessions, self._driving, self._interval_s = sessions, driving, interval_s
        self._changes, self._fallback_s = changes, fallback_s
        self._task: asyncio.Task[None] | None = None
        self._asking = False

    def wake(self) -> None:
        """Make sure the watching task runs on this loop (it ends when nothing is driven)."""
        loop = asyncio.get_running_loop()
        task = self._task
        if task is None or task.done() or task.cancelling() or task.get_loop() is not loop:
            self._task = loop.create_task(self._watch())

    def rest(self) -> None:
        """Nothing is driven here any more: stop listening now (not at the next quiet
        while), unless the database is being asked (which ends the task by itself)."""
        task = self._task
        if self._changes is None or task is None or self._asking or self._driving:
            return
        if task.get_loop() is asyncio.get_running_loop():
            task.cancel()

    async def idle(self) -> None:
        """Wait until the watching task has ended (it does once nothing is driven here)."""
        if self._task is not None and self._task.get_loop() is asyncio.get_running_loop():
            await asyncio.wait([self._task])

    async def _watch(self) -> None:
        if self._changes is None:
            while self._driving:
                await asyncio.sleep(self._interval_s)
                await self._ask_database()
            return
        heard = self._changes.watch([STOPS_TOPIC], self._fallback_s)
        try:
            async for change in heard:
                if change is None:  # listening now, or quiet for a while: ask the database
                    await self._ask_database()
                elif change.run_id in self._driving:
                    self._cancel(change.run_id)
                if not self._driving:
                    break
        finally:
            await heard.aclose()  # type: ignore[attr-defined]

    async def _ask_database(self) -> None:
        watched = list(self._driving)
        if not watched:
            return
        self._asking = True
        try:
            async with self._sessions() as session:
                stopping = await runs_cancelling(session, watched)
        except Exception:
            logger.exception("Looking for stop requests failed; trying again")
            return
        finally:
            self._asking = False
        for run_id in stopping:
            self._cancel(run_id)

    def _cancel(self, run_id: int) -> None:
        task = self._driving.get(run_id)
        if task is not None:
            logger.info("Run %s was stopped from elsewhere", run_id)
            cancel_once(task)
