"""Async stream helpers: batching text for the wire, and ticking while a source is silent.

Both read their source from a task of their own, so waiting with a timeout never cancels
the source mid-item (a provider's HTTP stream, the engine's run).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import aclosing
from typing import TypeVar

from app.assistant.events import RunEvent, TextDelta

T = TypeVar("T")

_END = object()


def _pump(source: AsyncIterator[T], queue: asyncio.Queue[object]) -> asyncio.Task[None]:
    """Copy a source into a queue (its error too, then an end mark) from a task."""

    async def pump() -> None:
        try:
            async with aclosing(source) as stream:
                async for item in stream:
                    await queue.put(item)
        except Exception as exc:  # handed to the consumer, who raises it in its own task
            await queue.put(_Failure(exc))
        finally:
            await queue.put(_END)

    return asyncio.create_task(pump())


class _Failure:
    def __init__(self, error: Exception) -> None:
        self.error = error


async def _stop(producer: asyncio.Task[None]) -> None:
    if not producer.done():
        producer.cancel()
    # Let the source finish its own bookkeeping (a cancelled run still saves its text).
    await asyncio.wait([producer])


async def ticking(
    source: AsyncIterator[T], interval_s: float | Callable[[], float]
) -> AsyncIterator[T | None]:
    """The source's items, plus None whenever `interval_s` (or what it returns now) passes
    without one."""
    wait_s = interval_s if callable(interval_s) else lambda: interval_s
    queue: asyncio.Queue[object] = asyncio.Queue()
    producer = _pump(source, queue)
    try:
        while True:
            try:
                # What is already there first: a zero timeout would never wait for it.
                item = queue.get_nowait()
            except asyncio.QueueEmpty:
                try:
                    # asyncio.timeout, not wait_for: no task per item (this runs per token).
                    async with asyncio.timeout(wait_s()):
                        item = await queue.get()
                except TimeoutError:
                    yield None
                    continue
            if item is _END:
                return
            if isinstance(item, _Failure):
                raise item.error
            yield item  # type: ignore[misc]
    finally:
        await _stop(producer)


async def batch_events(
    events: AsyncIterator[RunEvent], interval_s: float
) -> AsyncIterator[list[RunEvent]]:
    """Yield lists of events: adjacent text merged, flushed within `interval_s` of arriving.

    Text is flushed at once when the previous text flush is older than the interval, so the
    first words are not held back; other events flush any held text and pass straight on.
    """
    queue: asyncio.Queue[object] = asyncio.Queue()
    producer = _pump(events, queue)
    held: TextDelta | None = None
    last_flush = float("-inf")
    try:
        while True:
            timeout = None
            if held is not None:
                timeout = max(0.0, last_flush + interval_s - time.monotonic())
            try:
                async with asyncio.timeout(timeout):
                    item = await queue.get()
            except TimeoutError:
                assert held is not None
                yield [held]
                held, last_flush = None, time.monotonic()
                continue
            if item is _END:
                break
            if isinstance(item, _Failure):
                raise item.error
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
        await _stop(producer)
