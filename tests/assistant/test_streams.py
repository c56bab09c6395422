"""Text batching for the wire: merged, prompt, in order, and nothing lost."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

from app.assistant.events import RunEvent, RunFinished, TextDelta, ToolCallStarted
from app.assistant.streams import batch_events


async def _paced(events: list[RunEvent | float]) -> AsyncIterator[RunEvent]:
    for item in events:
        if isinstance(item, float):
            await asyncio.sleep(item)
        else:
            yield item


def _t(text: str) -> TextDelta:
    return TextDelta(1, 2, text)


async def test_fast_tokens_are_merged_and_nothing_is_lost() -> None:
    tokens = [_t(f"w{i} ") for i in range(200)]
    batches = [b async for b in batch_events(_paced(tokens), interval_s=0.05)]
    text = "".join(e.text for b in batches for e in b if isinstance(e, TextDelta))
    assert text == "".join(t.text for t in tokens)
    assert len(batches) < 10


async def test_held_text_is_flushed_within_the_interval() -> None:
    source: list[RunEvent | float] = [_t("a"), _t("b"), 0.3, _t("c")]
    arrivals: list[tuple[float, str]] = []
    start = time.monotonic()
    async for batch in batch_events(_paced(source), interval_s=0.05):
        arrivals.append((time.monotonic() - start, "".join(e.text for e in batch)))
    assert [text for _, text in arrivals] == ["a", "b", "c"]
    assert arrivals[1][0] < 0.15, "held text waited for the next token instead of the interval"


async def test_other_events_keep_their_place_and_flush_held_text() -> None:
    call = ToolCallStarted(1, 7, "c1", "list_rooms", "{}")
    done = RunFinished(1, "completed")
    source: list[RunEvent | float] = [_t("a"), _t("b"), call, _t("c"), done]
    flat = [e async for b in batch_events(_paced(source), interval_s=10) for e in b]
    assert flat == [_t("a"), _t("b"), call, _t("c"), done]


async def test_errors_of_the_source_reach_the_consumer() -> None:
    async def broken() -> AsyncIterator[RunEvent]:
        yield _t("x")
        raise RuntimeError("source broke")

    seen: list[RunEvent] = []
    try:
        async for batch in batch_events(broken(), interval_s=0.01):
            seen.extend(batch)
    except RuntimeError as exc:
        assert str(exc) == "source broke"
    else:
        raise AssertionError("the error was swallowed")
    assert seen == [_t("x")]


async def test_cancelling_the_consumer_closes_the_source() -> None:
    closed = asyncio.Event()

    async def endless() -> AsyncIterator[RunEvent]:
        try:
            while True:
                yield _t("x")
                await asyncio.sleep(0.01)
        finally:
            closed.set()

    async def consume() -> None:
        async for _ in batch_events(endless(), interval_s=0.01):
            pass

    task = asyncio.create_task(consume())
    await asyncio.sleep(0.05)
    task.cancel()
    await asyncio.wait([task])
    assert task.cancelled()
    assert closed.is_set()


async def test_ticking_passes_items_and_ticks_while_silent() -> None:
    from app.assistant.streams import ticking

    source: list[RunEvent | float] = [_t("a"), 0.25, _t("b")]
    seen = [e async for e in ticking(_paced(source), interval_s=0.05)]
    assert [e for e in seen if e is not None] == [_t("a"), _t("b")]
    assert seen.count(None) >= 3, "no ticks while the source was silent"


async def test_ticking_with_zero_interval_still_delivers() -> None:
    from app.assistant.streams import ticking

    seen = [e async for e in ticking(_paced([_t("a"), _t("b")]), interval_s=0)]
    assert [e for e in seen if e is not None] == [_t("a"), _t("b")]
