"""Crash recovery: runs whose worker stopped beating become `expired`, at start and periodically."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from app.assistant.runs import expire_stale_runs
from app.db.session import SessionFactory

logger = logging.getLogger(__name__)


async def sweep_stale_runs(
    sessions: SessionFactory, stale_after_s: float, interval_s: float
) -> None:
    """Expire stale runs now and then every `interval_s`, until cancelled."""
    while True:
        try:
            async with sessions() as session:
                await expire_stale_runs(session, timedelta(seconds=stale_after_s))
        except Exception:
            # One failed sweep (a database restart, say) must not end the sweeping.
            logger.exception("Sweeping stale runs failed; trying again in %ss", interval_s)
        await asyncio.sleep(interval_s)
