"""Batch a run's text deltas for the wire: at most one text flush per interval, order kept."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import aclosing

from app.assistant.events import RunEvent, TextDelta

_END = object()


async def batch_events(
    events: AsyncIterator[RunEvent], interval_s: float
) -> AsyncIterator[list[RunEvent]]:
    """Yield lists of events: adjacent text merged, flushed within `interval_s` of arriving.

    Text is flushed at once when the previous text flush is older than the interval, so the
    first words are not held back; other events flush any held text and pass straight on.
    """
    queue: asyncio.Queue[object] = asyncio.Queue()

    async def pump() -> None:
        try:
            async with aclosing(events) as stream:
                async for event in stream:
                    await queue.put(event)
        except Exception as exc:  # handed to the consumer, who raises it in its own task
            await queue.put(exc)
        finally:
            await queue.put(_END)

    producer = asyncio.create_task(pump())
    held: TextDelta | None = None
    last_flush = float("-inf")
    try:
        while True:
            timeout = None
            if held is not None:
                timeout = max(0.0, last_flush + interval_s - time.monotonic())
            try:
                item = await asyncio.wait_for(queue.get(), timeout)
            except TimeoutError:
                assert held is not None
                yield [held]
                held, last_flush = None, time.monotonic()
                continue
            if item is _END:
                break
            if isinstance(item, Exception):
                raise item
            if isinstance(item, TextDelta):
                if held is not None and held.message_id == item.message_id:
                    held = TextDelta(held.run_id, held.message_id, held.text + item.text)
                elif held is None and time.monotonic() - last_flush >= interval_s:
                    yield [item]
                    last_flush = time.monotonic()
                else:
                    batch: list[RunEvent] = [held] if held is not None else []
                    held = item
                    if batch:
                        yield batch
                continue
            batch = [held, item] if held is not None else [item]
            if held is not None:
                last_flush = time.monotonic()
            held = None
            yield batch  # type: ignore[misc]
        if held is not None:
            yield [held]
    finally:
        if not producer.done():
            producer.cancel()
        # Let the run finish its own bookkeeping (a cancelled run still saves its text).
        await asyncio.wait([producer])
