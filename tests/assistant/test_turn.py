"""One model turn: the request from the thread in budget; the provider's stream read from its
own task, with ticks while it is silent, text saved as it comes, errors and closing passed on."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from sqlmodel import select

from app.assistant.conversation import UserText
from app.assistant.turn import ticking
from app.db.models import Message, Run
from app.db.session import SessionFactory
from tests.fakes.scripted_provider import Pause, ScriptedProvider, text_turn
from tests.support.assistant import ask, build_runner, new_thread
from tests.support.waits import wait_until


async def _paced(items: list[str | float]) -> AsyncIterator[str]:
    for item in items:
        if isinstance(item, float):
            await asyncio.sleep(item)
        else:
            yield item


async def test_ticking_passes_items_and_ticks_while_silent() -> None:
    seen = [e async for e in ticking(_paced(["a", 0.25, "b"]), interval_s=0.05)]
    assert [e for e in seen if e is not None] == ["a", "b"]
    assert seen.count(None) >= 3, "no ticks while the source was silent"


async def test_ticking_with_zero_interval_still_delivers() -> None:
    seen = [e async for e in ticking(_paced(["a", "b"]), interval_s=0)]
    assert [e for e in seen if e is not None] == ["a", "b"]


async def test_the_interval_is_asked_again_before_each_wait() -> None:
    asked: list[int] = []

    def interval_s() -> float:
        asked.append(1)
        return 0.01

    seen = [e async for e in ticking(_paced(["a", 0.1, "b"]), interval_s)]
    assert [e for e in seen if e is not None] == ["a", "b"]
    assert len(asked) >= seen.count(None) + 1


async def test_errors_of_the_source_reach_the_consumer() -> None:
    async def broken() -> AsyncIterator[str]:
        yield "x"
        raise RuntimeError("source broke")

    seen: list[str | None] = []
    try:
        async for item in ticking(broken(), interval_s=1):
            seen.append(item)
    except RuntimeError as exc:
        assert str(exc) == "source broke"
    else:
        raise AssertionError("the error was swallowed")
    assert seen == ["x"]


async def test_cancelling_the_consumer_closes_the_source() -> None:
    closed, started = asyncio.Event(), asyncio.Event()

    async def endless() -> AsyncIterator[str]:
        try:
            while True:
                yield "x"
                started.set()
                await asyncio.sleep(0.01)
        finally:
            closed.set()

    async def consume() -> None:
        async for _ in ticking(endless(), interval_s=1):
            pass

    task = asyncio.create_task(consume())
    await asyncio.wait_for(started.wait(), 5)
    task.cancel()
    await asyncio.wait([task])
    assert task.cancelled()
    assert closed.is_set()


async def test_checkpoints_save_text_while_streaming(sessions: SessionFactory) -> None:
    pause = Pause()
    provider = ScriptedProvider([[*text_turn("saved ", "so far")[:2], pause, *text_turn("!")]])
    runner = build_runner(sessions, provider, checkpoint_interval_s=0)
    thread_id = await new_thread(sessions)
    task = asyncio.create_task(ask(runner, thread_id, "hi"))
    await asyncio.wait_for(pause.reached.wait(), 5)

    async def stored_parts() -> list:
        async with sessions() as session:
            query = select(Message).where(Message.role == "assistant")
            return (await session.exec(query)).one().parts

    async def checkpointed() -> bool:
        return await stored_parts() == [{"type": "text", "text": "saved so far"}]

    await wait_until(checkpointed, "the text so far checkpointed while the model is silent")
    async with sessions() as session:
        run = (await session.exec(select(Run))).one()
    assert run.status == "in_progress" and run.heartbeat_at is not None
    pause.release.set()
    events = await asyncio.wait_for(task, 5)
    assert events[-1].status == "completed"


async def test_old_turns_past_the_context_budget_are_not_sent(sessions: SessionFactory) -> None:
    provider = ScriptedProvider([text_turn("x" * 3000), text_turn("short")])
    runner = build_runner(sessions, provider, max_context_chars=1000)
    thread_id = await new_thread(sessions)
    await ask(runner, thread_id, "first question")
    await ask(runner, thread_id, "second question")
    assert provider.requests[1].items == (UserText("second question"),)
