"""Stop requests for the runs this process drives, read with one query for all of them.

A Stop is recorded in the database (`cancelling`) by whichever worker the person's tab is on.
Each streaming run used to ask the database about itself five times a second; with a hundred
runs that is five hundred queries a second and a starved connection pool. Here one task asks
once per interval about every run this process drives, and a run only looks at a set.
"""

from __future__ import annotations

import asyncio
import logging

from app.assistant.runs import runs_cancelling
from app.db.session import SessionFactory

logger = logging.getLogger(__name__)


class StopRequests:
    """Which driven runs someone asked to stop, refreshed every `interval_s`."""

    def __init__(self, sessions: SessionFactory, interval_s: float) -> None:
        self._sessions, self._interval_s = sessions, interval_s
        self._runs: set[int] = set()
        self._stopping: set[int] = set()
        self._task: asyncio.Task[None] | None = None

    def watch(self, run_id: int) -> None:
        """Start watching a run (and the polling task, if it is not running on this loop)."""
        self._runs.add(run_id)
        loop = asyncio.get_running_loop()
        if self._task is None or self._task.done() or self._task.get_loop() is not loop:
            self._task = loop.create_task(self._poll())

    def forget(self, run_id: int) -> None:
        """The run ended here."""
        self._runs.discard(run_id)
        self._stopping.discard(run_id)

    def requested(self, run_id: int) -> bool:
        """Whether a Stop for the run was seen at the last poll."""
        return run_id in self._stopping

    async def _poll(self) -> None:
        while self._runs:
            await asyncio.sleep(self._interval_s)
            watched = list(self._runs)
            if not watched:
                break
            try:
                async with self._sessions() as session:
                    stopping = await runs_cancelling(session, watched)
            except Exception:
                # The next poll tries again; the runs' own checks at each turn still work.
                logger.exception("Looking for stop requests failed")
                continue
            self._stopping |= set(stopping) & self._runs
