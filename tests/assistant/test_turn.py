"""One model turn: the request from the thread in budget; the provider's stream read from its
own task, with ticks while it is silent, text saved as it comes, errors and closing passed on."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from sqlmodel import select

from app.assistant.conversation import UserText
from app.assistant.events import EffectRecorded, TextDelta
from app.assistant.instructions import build_instructions
from app.assistant.providers.base import ProviderText
from app.assistant.providers.offline.provider import OfflineProvider
from app.assistant.turn import ticking
from app.assistant.understanding.parser import Understanding
from app.db.models import Message, Run
from app.db.session import SessionFactory
from tests.fakes.scripted_provider import Pause, ScriptedProvider, text_turn, tool_turn
from tests.support.assistant import ask, build_runner, new_thread
from tests.support.statements import statements
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


async def test_a_runs_later_turns_do_not_read_the_thread_again(sessions: SessionFactory) -> None:
    provider = ScriptedProvider(
        [
            text_turn("Hello."),
            tool_turn(("c1", "get_room_temperature", '{"room": "kitchen"}')),
            tool_turn(("c2", "get_room_temperature", '{"room": "bedroom"}')),
            text_turn("Both read."),
        ]
    )
    runner = build_runner(sessions, provider)
    thread_id = await new_thread(sessions)
    await ask(runner, thread_id, "earlier")
    with statements(sessions) as seen:
        events = await ask(runner, thread_id, "how warm is it?")
    assert events[-1].status == "completed"
    thread_reads = [s for s in seen if s.startswith("SELECT") and "FROM message WHERE" in s]
    assert len(thread_reads) == 1, thread_reads
    # The later turns still see the whole thread, the run's own calls and results too.
    last = provider.requests[-1].items
    assert [type(i).__name__ for i in last] == [
        "UserText",
        "AssistantText",
        "UserText",
        "ToolCallItem",
        "ToolResultItem",
        "ToolCallItem",
        "ToolResultItem",
    ]
    assert last[2] == UserText("how warm is it?") and '"kitchen"' in last[4].output


async def test_the_offline_assistant_is_given_the_rooms_its_turn_read(
    sessions: SessionFactory,
) -> None:
    asked_for_rooms = 0

    async def room_names() -> list[str]:
        nonlocal asked_for_rooms
        asked_for_rooms += 1
        return ["kitchen"]

    offline = OfflineProvider(Understanding("en"), room_names, chunk_delay_s=0)
    runner = build_runner(sessions, offline)
    thread_id = await new_thread(sessions)
    with statements(sessions) as seen:
        events = await ask(runner, thread_id, "set the bedroom to 19")
    assert events[-1].status == "completed"
    assert any(isinstance(e, EffectRecorded) and e.room == "bedroom" for e in events)
    assert asked_for_rooms == 0
    room_lists = [s for s in seen if s.startswith("SELECT") and "FROM room ORDER BY" in s]
    assert len(room_lists) == 2, room_lists  # one per turn: the plan, then the reply


async def test_the_instructions_are_built_from_the_rooms_the_turn_read(
    sessions: SessionFactory,
) -> None:
    provider = ScriptedProvider(
        [tool_turn(("c1", "get_room_temperature", '{"room": "kitchen"}')), text_turn("22.")]
    )
    runner = build_runner(sessions, provider, instructions=build_instructions)
    thread_id = await new_thread(sessions)
    with statements(sessions) as seen:
        events = await ask(runner, thread_id, "how warm is the kitchen?")
    assert events[-1].status == "completed"
    room_lists = [s for s in seen if s.startswith("SELECT") and "FROM room ORDER BY" in s]
    assert len(room_lists) == 2, room_lists  # one per turn, the prompt's rooms included
    assert "kitchen: 5–35" in provider.requests[0].instructions


async def test_text_is_handed_on_at_most_every_merge_interval() -> None:
    # 40 pieces 5 ms apart (0.2 s) handed on at most every 50 ms: a handful of pieces, the
    # first at once, what follows the text in its place.
    items: list[str | float] = []
    for index in range(40):
        items += [f"{index:02d} ", 0.005]
    source = _paced(items)

    async def texts_then_end() -> AsyncIterator[object]:
        async for piece in source:
            yield ProviderText(piece)
        yield "end"

    seen = [e async for e in ticking(texts_then_end(), interval_s=5, merge_text_s=0.05)]
    texts = [e.text for e in seen if isinstance(e, ProviderText)]
    assert "".join(texts) == "".join(f"{i:02d} " for i in range(40))
    assert texts[0] == "00 " and len(texts) <= 8, texts
    assert seen[-1] == "end"


async def test_a_streamed_reply_saves_its_text_without_beating_every_time(
    sessions: SessionFactory,
) -> None:
    # Text is saved within 0.05 s; the heartbeat (with the run row) once a second.
    provider = ScriptedProvider([text_turn(*(f"{i:03d} " for i in range(60)))], delay_s=0.01)
    runner = build_runner(sessions, provider, save_text_within_s=0.05, stream_flush_interval_s=0.05)
    thread_id = await new_thread(sessions)
    with statements(sessions) as seen:
        events = await ask(runner, thread_id, "talk")
    assert events[-1].status == "completed"
    deltas = [e for e in events if isinstance(e, TextDelta)]
    assert "".join(d.text for d in deltas) == "".join(f"{i:03d} " for i in range(60))
    assert len(deltas) <= 20, f"{len(deltas)} text events for 60 pieces"
    message_saves = [s for s in seen if s.startswith("UPDATE message")]
    run_saves = [s for s in seen if s.startswith("UPDATE run")]
    assert len(message_saves) >= 5, "the text was not saved as it streamed"
    assert len(run_saves) < len(message_saves) / 2, (len(run_saves), len(message_saves))
