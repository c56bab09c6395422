"""Driving a run in this process: the engine's events go to the run's feed (for every viewer,
on any worker) and to whoever started it (a tab, an HTTP response).

Only the driving task is process-local: `DRIVING` lets a Stop in this process cancel it at
once; the database flag (`cancelling`) is what reaches a run driven by another process.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from contextlib import aclosing

from app.assistant.client_tools import ClientContext
from app.assistant.engine import RunEngine
from app.assistant.events import (
    ApprovalDecided,
    ApprovalRequested,
    EffectRecorded,
    RunEvent,
    RunFinished,
    RunRetrying,
    RunStarted,
    TextDelta,
    ToolCallFinished,
    ToolCallStarted,
)
from app.assistant.feed import FeedEntry, RunFeed
from app.assistant.streams import batch_events

# By run id: the task driving it here.
DRIVING: dict[int, asyncio.Task] = {}

Sink = Callable[[Sequence[RunEvent]], Awaitable[None]]

_CARD_EVENTS = ToolCallStarted | ToolCallFinished | ApprovalRequested | ApprovalDecided


def retry_text(event: RunRetrying) -> str:
    """What a viewer is told when a turn is tried again."""
    return (
        f"{event.reason} Retrying in {event.delay_s:.1f} s "
        f"(attempt {event.attempt} of {event.max_attempts})."
    )


def feed_entries(batch: Sequence[RunEvent]) -> list[FeedEntry]:
    """What a batch of events means to a viewer of the run."""
    entries, cards, room = [], False, ""
    for event in batch:
        if isinstance(event, TextDelta):
            entries.append(FeedEntry("text", event.text))
        elif isinstance(event, _CARD_EVENTS):
            cards = True
        elif isinstance(event, EffectRecorded):
            cards, room = True, event.room
        elif isinstance(event, RunRetrying):
            entries.append(FeedEntry("retry", message=retry_text(event)))
    if cards:
        entries.append(FeedEntry("cards", room=room))
    return entries


def start_driving(
    engine: RunEngine,
    feed: RunFeed,
    started: RunStarted,
    flush_interval_s: float,
    sink: Sink | None = None,
    client: ClientContext | None = None,
) -> asyncio.Task[None]:
    """Drive a started run in a task of its own (registered in `DRIVING` at once), so that
    whoever started it (an event handler, an HTTP response) can end without ending it;
    `client` is what an API request adds (its tools, its system text)."""
    feed.open(started.run_id)
    task = asyncio.create_task(_drive(engine, feed, started, flush_interval_s, sink, client))
    DRIVING[started.run_id] = task
    return task


async def _drive(
    engine: RunEngine,
    feed: RunFeed,
    started: RunStarted,
    flush_interval_s: float,
    sink: Sink | None,
    client: ClientContext | None,
) -> None:
    """The run to its end (text merged per flush interval), to its viewers and the sink;
    cancelling the task stops the run and keeps its text."""
    run_id = started.run_id
    error = ""
    try:
        batches = batch_events(engine.execute(started, client), flush_interval_s)
        async with aclosing(batches):
            async for batch in batches:
                for event in batch:
                    if isinstance(event, RunFinished):
                        error = event.error or ""
                await feed.publish(run_id, feed_entries(batch))
                if sink is not None:
                    await sink(batch)
    finally:
        if DRIVING.get(run_id) is asyncio.current_task():
            del DRIVING[run_id]
        await feed.publish(run_id, [FeedEntry("end", message=error)])
