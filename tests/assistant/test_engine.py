"""The run engine against a scripted provider and a real, migrated database."""

from __future__ import annotations

import asyncio
import json
from contextlib import aclosing

import pytest
from sqlmodel import col, select

from app.assistant.conversation import ToolCallItem, ToolResultItem, UserText
from app.assistant.errors import InvalidMessage, RunAlreadyActive, ThreadNotFound
from app.assistant.events import (
    EffectRecorded,
    RunEvent,
    RunFinished,
    RunStarted,
    StepFinished,
    TextDelta,
    ToolCallFinished,
    ToolCallStarted,
)
from app.assistant.providers.base import ProviderError
from app.assistant.runner import Runner
from app.assistant.runs import request_stop
from app.db.models import Effect, Message, Room, Run, ToolCall
from app.db.session import SessionFactory
from tests.fakes.scripted_provider import Fail, Pause, ScriptedProvider, text_turn, tool_turn
from tests.support.assistant import build_runner, run_in
from tests.support.people import owned_thread, person

SET_KITCHEN = ("call_1", "set_room_temperature", '{"room": "kitchen", "celsius": 19}')


async def _runner(sessions: SessionFactory, provider: ScriptedProvider, **config) -> Runner:
    return build_runner(sessions, provider, **config)


async def _thread(sessions: SessionFactory) -> int:
    async with sessions() as session:
        return (await owned_thread(session)).id or 0


async def _owner(sessions: SessionFactory) -> int:
    async with sessions() as session:
        return await person(session)


async def _collect(runner: Runner, thread_id: int, text: str) -> list[RunEvent]:
    return [event async for event in run_in(runner, thread_id, text)]


async def _stored(sessions: SessionFactory, run_id: int) -> tuple[Run, list[Message]]:
    async with sessions() as session:
        run = await session.get(Run, run_id)
        messages = (
            await session.exec(select(Message).where(Message.run_id == run_id).order_by("id"))
        ).all()
    assert run is not None
    return run, list(messages)


async def _until(condition, what: str, timeout_s: float = 5) -> None:
    for _ in range(int(timeout_s / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"never happened: {what}")


def _kinds(events: list[RunEvent]) -> list[str]:
    return [e.kind for e in events]


async def test_text_reply_streams_and_completes(sessions: SessionFactory) -> None:
    provider = ScriptedProvider([text_turn("Hel", "lo ", "there.")])
    thread_id = await _thread(sessions)
    events = await _collect(await _runner(sessions, provider), thread_id, "hi")
    # Text a follower has not read yet arrives merged: deltas in a row read as one.
    kinds = _kinds(events)
    kinds = [k for i, k in enumerate(kinds) if i == 0 or k != kinds[i - 1]]
    assert kinds == [
        "run_started",
        "run_status_changed",
        "text_delta",
        "step_finished",
        "run_finished",
    ]
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "Hello there."
    step = next(e for e in events if isinstance(e, StepFinished))
    assert (step.step, step.finish_reason) == (1, "stop")
    run, (user, assistant) = await _stored(sessions, events[0].run_id)
    assert (run.status, run.step_count, run.error) == ("completed", 1, None)
    assert user.parts == [{"type": "text", "text": "hi"}]
    assert assistant.parts == [{"type": "text", "text": "Hello there."}]
    assert assistant.status == "complete"
    provider.assert_complete()
    assert provider.requests[0].items == (UserText("hi"),)


async def test_one_tool_call_changes_the_room_and_feeds_the_result_back(
    sessions: SessionFactory,
) -> None:
    provider = ScriptedProvider([tool_turn(SET_KITCHEN), text_turn("Kitchen is 19 °C.")])
    thread_id = await _thread(sessions)
    events = await _collect(await _runner(sessions, provider), thread_id, "set kitchen to 19")
    assert [e.kind for e in events if e.kind != "run_status_changed"] == [
        "run_started",
        "step_finished",
        "tool_call_started",
        "tool_call_finished",
        "effect_recorded",
        "text_delta",
        "step_finished",
        "run_finished",
    ]
    steps = [(e.step, e.finish_reason) for e in events if isinstance(e, StepFinished)]
    assert steps == [(1, "tool_calls"), (2, "stop")]
    statuses = [e.status for e in events if e.kind == "run_status_changed"]
    assert statuses == ["in_progress", "requires_action", "in_progress"]
    finished = next(e for e in events if isinstance(e, ToolCallFinished))
    assert finished.status == "done"
    assert json.loads(finished.output)["celsius"] == 19
    effect = next(e for e in events if isinstance(e, EffectRecorded))
    assert (effect.room, effect.old_celsius, effect.new_celsius) == ("kitchen", 22, 19)

    second = provider.requests[1].items
    assert second[1] == ToolCallItem(*SET_KITCHEN)
    assert isinstance(second[2], ToolResultItem) and not second[2].is_error
    async with sessions() as session:
        ledger = (await session.exec(select(Effect))).one()
        call = (await session.exec(select(ToolCall))).one()
        kitchen = (await session.exec(select(Room).where(Room.name == "kitchen"))).one()
    assert (ledger.tool_call_id, ledger.run_id, ledger.thread_id) == (
        call.id,
        events[0].run_id,
        thread_id,
    )
    assert (call.status, kitchen.celsius) == ("done", 19)
    _, (_, assistant) = await _stored(sessions, events[0].run_id)
    assert [p["type"] for p in assistant.parts] == ["tool-call", "tool-result", "effect", "text"]


async def test_several_tools_in_one_turn_run_in_call_order(sessions: SessionFactory) -> None:
    provider = ScriptedProvider(
        [
            tool_turn(
                ("a", "set_room_temperature", '{"room": "bedroom", "celsius": 18}'),
                ("b", "get_room_temperature", '{"room": "bedroom"}'),
                ("c", "list_rooms", "{}"),
            ),
            text_turn("Done."),
        ]
    )
    events = await _collect(await _runner(sessions, provider), await _thread(sessions), "go")
    started = [e.call_id for e in events if isinstance(e, ToolCallStarted)]
    outputs = [json.loads(e.output) for e in events if isinstance(e, ToolCallFinished)]
    assert started == ["a", "b", "c"]
    assert outputs[1] == {"room": "bedroom", "celsius": 18}
    assert {"room": "bedroom", "celsius": 18} in outputs[2]["rooms"]
    results = [i for i in provider.requests[1].items if isinstance(i, ToolResultItem)]
    assert [r.call_id for r in results] == ["a", "b", "c"]


async def test_several_turns_then_an_answer(sessions: SessionFactory) -> None:
    provider = ScriptedProvider(
        [
            tool_turn(("a", "get_room_temperature", '{"room": "bedroom"}')),
            tool_turn(("b", "set_room_temperature", '{"room": "bedroom", "celsius": 22}')),
            text_turn("Bedroom is now 22 °C."),
        ]
    )
    events = await _collect(await _runner(sessions, provider), await _thread(sessions), "warmer")
    assert isinstance(events[-1], RunFinished) and events[-1].status == "completed"
    run, _ = await _stored(sessions, events[0].run_id)
    assert run.step_count == 3
    provider.assert_complete()


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (
            ("x", "open_garage", "{}"),
            "Unknown tool 'open_garage'; available tools: "
            "get_room_temperature, list_rooms, set_room_temperature.",
        ),
        (
            ("x", "set_room_temperature", '{"room": "attic", "celsius": 20}'),
            "Room 'attic' not found; known rooms: bathroom, bedroom, home office, kitchen, living room.",
        ),
        (
            ("x", "set_room_temperature", '{"room": "kitchen", "celsius": 80}'),
            "80 °C is outside the kitchen's range; allowed: 5 to 35 °C.",
        ),
        (
            ("x", "set_room_temperature", '{"room": "kitchen", "celsius": true}'),
            "Temperature True is not a number of degrees Celsius; send a finite number such as 19 or 20.5.",
        ),
        (
            ("x", "set_room_temperature", '{"room": "kitchen", "celsius": NaN}'),
            "Temperature nan is not a number of degrees Celsius; send a finite number such as 19 or 20.5.",
        ),
        (
            ("x", "set_room_temperature", '{"room": "kitchen"'),
            "Arguments for set_room_temperature are not valid JSON (Expecting ',' delimiter at position 18); "
            'send an object such as {"room": "kitchen", "celsius": 19}.',
        ),
        (
            ("x", "set_room_temperature", '{"room": "kitchen"}'),
            "set_room_temperature needs 'celsius' (a number of degrees Celsius); got the fields ['room'].",
        ),
        (
            ("x", "get_room_temperature", "[1]"),
            'Arguments for get_room_temperature must be a JSON object such as {"room": "kitchen"}.',
        ),
    ],
)
async def test_failing_tools_become_results_the_model_reads(
    sessions: SessionFactory, call: tuple[str, str, str], expected: str
) -> None:
    provider = ScriptedProvider([tool_turn(call), text_turn("Sorry.")])
    events = await _collect(await _runner(sessions, provider), await _thread(sessions), "try")
    finished = next(e for e in events if isinstance(e, ToolCallFinished))
    assert (finished.status, json.loads(finished.output)) == ("error", {"error": expected})
    result = next(i for i in provider.requests[1].items if isinstance(i, ToolResultItem))
    assert result.is_error and json.loads(result.output) == {"error": expected}
    assert events[-1].status == "completed"
    async with sessions() as session:
        assert (await session.exec(select(Effect))).all() == []
        assert (await session.exec(select(ToolCall))).one().status == "error"


async def test_max_steps_fails_the_run_with_a_clear_reason(sessions: SessionFactory) -> None:
    loop = tool_turn(("a", "list_rooms", "{}"))
    provider = ScriptedProvider([loop, loop, loop])
    runner = await _runner(sessions, provider, max_steps=3)
    events = await _collect(runner, await _thread(sessions), "loop")
    assert isinstance(events[-1], RunFinished)
    assert events[-1].status == "failed"
    assert events[-1].error == ("Stopped after 3 model turns without a final answer (max_steps=3).")
    provider.assert_complete()


async def test_stop_mid_stream_keeps_the_partial_text(sessions: SessionFactory) -> None:
    pause = Pause()
    provider = ScriptedProvider([[*text_turn("Partial ", "text")[:2], pause, *text_turn(" never")]])
    runner = await _runner(sessions, provider, stop_poll_interval_s=0)
    thread_id = await _thread(sessions)
    events: list[RunEvent] = []

    async def consume() -> None:
        async for event in run_in(runner, thread_id, "long story"):
            events.append(event)

    task = asyncio.create_task(consume())
    await asyncio.wait_for(pause.reached.wait(), 5)
    await _until(
        lambda: "".join(e.text for e in events if isinstance(e, TextDelta)) == "Partial text",
        "both deltas",
    )
    async with sessions() as session:
        assert await request_stop(session, events[0].run_id, await person(session))
    # One query for every run this process drives notices it and cancels the run while the
    # provider is paused; nothing that arrives after that is shown.
    await _until(lambda: isinstance(events[-1], RunFinished), "the stop noticed")
    pause.release.set()
    await asyncio.wait_for(task, 5)
    assert isinstance(events[-1], RunFinished) and events[-1].status == "cancelled"
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "Partial text"
    run, (_, assistant) = await _stored(sessions, events[0].run_id)
    assert run.status == "cancelled"
    assert assistant.parts == [{"type": "text", "text": "Partial text"}]
    assert assistant.status == "incomplete"


async def test_stop_lands_while_the_provider_is_silent(sessions: SessionFactory) -> None:
    silent = Pause()  # never released: a model that stopped sending mid-reply
    provider = ScriptedProvider([[*text_turn("Waiting ")[:1], silent]])
    runner = await _runner(sessions, provider, stop_poll_interval_s=0.05)
    thread_id = await _thread(sessions)
    events: list[RunEvent] = []

    async def consume() -> None:
        async for event in run_in(runner, thread_id, "hi"):
            events.append(event)

    task = asyncio.create_task(consume())
    await asyncio.wait_for(silent.reached.wait(), 5)
    await _until(lambda: any(isinstance(e, TextDelta) for e in events), "the first delta")
    async with sessions() as session:
        assert await request_stop(session, events[0].run_id, await person(session))
    await asyncio.wait_for(task, 2)
    assert isinstance(events[-1], RunFinished) and events[-1].status == "cancelled"
    assert provider.closed_early == 1, "the provider's stream was left open"
    _, (_, assistant) = await _stored(sessions, events[0].run_id)
    assert assistant.parts == [{"type": "text", "text": "Waiting "}]


async def test_cancelling_the_task_ends_the_run_cancelled_with_text_kept(
    sessions: SessionFactory,
) -> None:
    pause = Pause()
    provider = ScriptedProvider([[*text_turn("Half a ")[:1], pause]])
    runner = await _runner(sessions, provider)
    thread_id = await _thread(sessions)
    started: list[RunEvent] = []

    async def consume() -> None:
        async for event in run_in(runner, thread_id, "hi"):
            started.append(event)

    task = asyncio.create_task(consume())
    await asyncio.wait_for(pause.reached.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    run, (_, assistant) = await _stored(sessions, started[0].run_id)
    assert (run.status, assistant.status) == ("cancelled", "incomplete")
    assert assistant.parts == [{"type": "text", "text": "Half a "}]


async def test_stop_during_a_tool_keeps_its_result_and_shows_nothing_after(
    sessions: SessionFactory,
) -> None:
    silent = Pause()  # the next turn never answers: only the Stop can end the run
    provider = ScriptedProvider([tool_turn(SET_KITCHEN), [silent, *text_turn("never")]])
    runner = await _runner(sessions, provider)
    thread_id = await _thread(sessions)
    events: list[RunEvent] = []
    async with aclosing(run_in(runner, thread_id, "set kitchen to 19")) as stream:
        async for event in stream:
            events.append(event)
            if isinstance(event, ToolCallStarted):
                async with sessions() as session:
                    await request_stop(session, event.run_id, await person(session))
    assert events[-1].kind == "run_finished" and events[-1].status == "cancelled"
    assert not any(isinstance(e, TextDelta) for e in events)
    async with sessions() as session:
        kitchen = (await session.exec(select(Room).where(Room.name == "kitchen"))).one()
        assert kitchen.celsius == 19
        assert len((await session.exec(select(Effect))).all()) == 1


async def test_closing_the_stream_early_cancels_the_run(sessions: SessionFactory) -> None:
    pause = Pause()
    provider = ScriptedProvider([[*text_turn("a")[:1], pause, *text_turn("b", "c")]])
    runner = await _runner(sessions, provider)
    thread_id = await _thread(sessions)
    async with aclosing(run_in(runner, thread_id, "hi")) as stream:
        first = await anext(stream)
        assert isinstance(first, RunStarted)
        await anext(stream)
    run, _ = await _stored(sessions, first.run_id)
    assert run.status == "cancelled"


async def test_provider_error_fails_the_run_and_keeps_streamed_text(
    sessions: SessionFactory,
) -> None:
    provider = ScriptedProvider(
        [[*text_turn("Some ")[:1], Fail(ProviderError("Model went away."))]]
    )
    events = await _collect(await _runner(sessions, provider), await _thread(sessions), "hi")
    assert (events[-1].status, events[-1].error) == ("failed", "Model went away.")
    run, (_, assistant) = await _stored(sessions, events[0].run_id)
    assert (run.status, run.error) == ("failed", "Model went away.")
    assert (assistant.parts, assistant.status) == (
        [{"type": "text", "text": "Some "}],
        "incomplete",
    )


async def test_unexpected_provider_crash_fails_without_text_as_failed(
    sessions: SessionFactory,
) -> None:
    provider = ScriptedProvider([[Fail(RuntimeError("boom"))]])
    events = await _collect(await _runner(sessions, provider), await _thread(sessions), "hi")
    assert events[-1].status == "failed"
    assert "internal error" in (events[-1].error or "")
    _, (_, assistant) = await _stored(sessions, events[0].run_id)
    assert assistant.status == "failed"


async def test_one_run_at_a_time_per_thread(sessions: SessionFactory) -> None:
    runner = await _runner(sessions, ScriptedProvider([text_turn("x")]))
    thread_id = await _thread(sessions)
    await runner.engine.start(thread_id, "first", user_id=await _owner(sessions))
    with pytest.raises(RunAlreadyActive, match="still answering"):
        await runner.engine.start(thread_id, "second", user_id=await _owner(sessions))


@pytest.mark.parametrize(
    ("text", "message"),
    [("   ", "cannot be empty"), ("x" * 8001, "at most 8,000 characters; this one has 8,001")],
)
async def test_bad_messages_are_refused_before_anything_is_stored(
    sessions: SessionFactory, text: str, message: str
) -> None:
    runner = await _runner(sessions, ScriptedProvider([]))
    thread_id = await _thread(sessions)
    with pytest.raises(InvalidMessage, match=message):
        await runner.engine.start(thread_id, text, user_id=await _owner(sessions))
    async with sessions() as session:
        assert (await session.exec(select(Message))).all() == []


async def test_checkpoints_save_text_while_streaming(sessions: SessionFactory) -> None:
    pause = Pause()
    provider = ScriptedProvider([[*text_turn("saved ", "so far")[:2], pause, *text_turn("!")]])
    runner = await _runner(sessions, provider, checkpoint_interval_s=0)
    thread_id = await _thread(sessions)
    task = asyncio.create_task(_collect(runner, thread_id, "hi"))
    await asyncio.wait_for(pause.reached.wait(), 5)

    async def stored_parts() -> list:
        async with sessions() as session:
            query = select(Message).where(Message.role == "assistant")
            return (await session.exec(query)).one().parts

    for _ in range(250):
        if await stored_parts() == [{"type": "text", "text": "saved so far"}]:
            break
        await asyncio.sleep(0.02)
    else:
        raise AssertionError(f"the text was never checkpointed; stored: {await stored_parts()}")
    async with sessions() as session:
        run = (await session.exec(select(Run))).one()
    assert run.status == "in_progress" and run.heartbeat_at is not None
    pause.release.set()
    events = await asyncio.wait_for(task, 5)
    assert events[-1].status == "completed"


async def test_first_message_titles_the_thread(sessions: SessionFactory) -> None:
    runner = await _runner(sessions, ScriptedProvider([text_turn("ok")]))
    thread_id = await _thread(sessions)
    await _collect(runner, thread_id, "What's the temperature in the kitchen?\nthanks")
    async with sessions() as session:
        from app.assistant.threads import get_thread

        assert (await get_thread(session, thread_id, await person(session))).title == (
            "What's the temperature in the kitchen?"
        )
    async with sessions() as session:
        runs = (await session.exec(select(Run).where(col(Run.thread_id) == thread_id))).all()
    assert len(runs) == 1


async def test_a_tool_that_crashes_is_an_error_result_and_changes_nothing(
    sessions: SessionFactory,
) -> None:
    from app.assistant.providers.base import ToolSpec
    from app.assistant.tools import HOME_TOOLS, Tool, ToolContext, ToolOutcome, ToolRegistry
    from app.home.rooms import set_room_temperature

    async def half_then_crash(arguments: dict, context: ToolContext) -> ToolOutcome:
        await set_room_temperature(context.session, "kitchen", 30, context.origin)
        raise RuntimeError("thermostat unplugged")

    broken = Tool(ToolSpec("broken", "Fails halfway.", {"type": "object"}), half_then_crash, "{}")
    provider = ScriptedProvider([tool_turn(("x", "broken", "{}")), text_turn("Sorry.")])
    runner = build_runner(sessions, provider, ToolRegistry([*HOME_TOOLS, broken]))
    events = await _collect(runner, await _thread(sessions), "break it")
    finished = next(e for e in events if isinstance(e, ToolCallFinished))
    assert (finished.status, json.loads(finished.output)) == (
        "error",
        {"error": "The tool broken failed unexpectedly; nothing was changed."},
    )
    assert events[-1].status == "completed"
    async with sessions() as session:
        kitchen = (await session.exec(select(Room).where(Room.name == "kitchen"))).one()
        assert kitchen.celsius == 22
        assert (await session.exec(select(Effect))).all() == []
        assert (await session.exec(select(ToolCall))).one().status == "error"


async def test_old_turns_past_the_context_budget_are_not_sent(sessions: SessionFactory) -> None:
    provider = ScriptedProvider([text_turn("x" * 3000), text_turn("short")])
    runner = await _runner(sessions, provider, max_context_chars=1000)
    thread_id = await _thread(sessions)
    await _collect(runner, thread_id, "first question")
    await _collect(runner, thread_id, "second question")
    assert provider.requests[1].items == (UserText("second question"),)


async def test_another_persons_thread_cannot_be_continued(sessions: SessionFactory) -> None:
    runner = await _runner(sessions, ScriptedProvider([text_turn("x")]))
    thread_id = await _thread(sessions)
    async with sessions() as session:
        mallory = await person(session, "mallory")
    with pytest.raises(ThreadNotFound, match=f"Thread {thread_id} not found"):
        await runner.engine.start(thread_id, "hello", user_id=mallory)
    async with sessions() as session:
        assert (await session.exec(select(Message))).all() == []


async def test_effects_record_the_thread_owner(sessions: SessionFactory) -> None:
    provider = ScriptedProvider([tool_turn(SET_KITCHEN), text_turn("Done.")])
    events = await _collect(await _runner(sessions, provider), await _thread(sessions), "19")
    assert events[-1].status == "completed"
    async with sessions() as session:
        effect = (await session.exec(select(Effect))).one()
        assert effect.user_id == await person(session)
