"""The run engine against a scripted provider and a real, migrated database."""

from __future__ import annotations

import asyncio
import json
from contextlib import aclosing

import pytest
from sqlmodel import col, select

from app.assistant.conversation import AssistantText, ToolCallItem, ToolResultItem, UserText
from app.assistant.errors import InvalidMessage, RunAlreadyActive, ThreadNotFound
from app.assistant.events import (
    EffectRecorded,
    RunEvent,
    RunFinished,
    RunStarted,
    StepFinished,
    SuggestionsOffered,
    TextDelta,
    ToolCallFinished,
)
from app.assistant.providers.base import (
    ProviderError,
    ProviderFinish,
    ProviderSuggestions,
    ProviderText,
    ProviderToolCall,
)
from app.assistant.runs import request_stop
from app.db.models import Effect, Message, Room, Run, ToolCall
from app.db.session import SessionFactory
from tests.fakes.scripted_provider import Fail, Pause, ScriptedProvider, text_turn, tool_turn
from tests.support.assistant import ask, build_runner, new_thread, run_in, stored_run
from tests.support.people import person
from tests.support.waits import wait_until

SET_KITCHEN = ("call_1", "set_room_temperature", '{"room": "kitchen", "celsius": 19}')


async def _owner(sessions: SessionFactory) -> int:
    async with sessions() as session:
        return await person(session)


def _kinds(events: list[RunEvent]) -> list[str]:
    return [e.kind for e in events]


async def test_text_reply_streams_and_completes(sessions: SessionFactory) -> None:
    provider = ScriptedProvider([text_turn("Hel", "lo ", "there.")])
    thread_id = await new_thread(sessions)
    events = await ask(build_runner(sessions, provider), thread_id, "hi")
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
    run, (user, assistant) = await stored_run(sessions, events[0].run_id)
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
    thread_id = await new_thread(sessions)
    events = await ask(build_runner(sessions, provider), thread_id, "set kitchen to 19")
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
    _, (_, assistant) = await stored_run(sessions, events[0].run_id)
    assert [p["type"] for p in assistant.parts] == ["tool-call", "tool-result", "effect", "text"]


async def test_several_turns_then_an_answer(sessions: SessionFactory) -> None:
    provider = ScriptedProvider(
        [
            tool_turn(("a", "get_room_temperature", '{"room": "bedroom"}')),
            tool_turn(("b", "set_room_temperature", '{"room": "bedroom", "celsius": 22}')),
            text_turn("Bedroom is now 22 °C."),
        ]
    )
    events = await ask(build_runner(sessions, provider), await new_thread(sessions), "warmer")
    assert isinstance(events[-1], RunFinished) and events[-1].status == "completed"
    run, _ = await stored_run(sessions, events[0].run_id)
    assert run.step_count == 3
    provider.assert_complete()


async def test_suggestions_are_stored_after_the_reply_and_the_last_offer_stands(
    sessions: SessionFactory,
) -> None:
    provider = ScriptedProvider(
        [
            [
                ProviderSuggestions(("An offer the answer replaces",)),
                ProviderToolCall("a", "list_rooms", "{}"),
                ProviderFinish("tool_calls"),
            ],
            [
                ProviderText("Five rooms."),
                ProviderSuggestions(("  ", " List the rooms ", "Set the kitchen to 19")),
                ProviderText(" Ask away."),
                ProviderFinish("stop"),
            ],
            text_turn("Sure."),
        ]
    )
    runner = build_runner(sessions, provider)
    thread_id = await new_thread(sessions)
    events = await ask(runner, thread_id, "rooms?")
    offers = [e for e in events if isinstance(e, SuggestionsOffered)]
    assert [o.texts for o in offers] == [
        ("An offer the answer replaces",),
        ("List the rooms", "Set the kitchen to 19"),
    ]
    _, (_, reply) = await stored_run(sessions, events[0].run_id)
    assert {o.message_id for o in offers} == {reply.id}
    assert [p["type"] for p in reply.parts] == ["tool-call", "tool-result", "text", "suggestions"]
    assert reply.parts[2:] == [
        {"type": "text", "text": "Five rooms. Ask away."},
        {"type": "suggestions", "texts": ["List the rooms", "Set the kitchen to 19"]},
    ]
    # The model is never shown what was suggested.
    await ask(runner, thread_id, "List the rooms")
    assert "suggest" not in repr(provider.requests[2].items).lower()
    assert provider.requests[2].items[-2:] == (
        AssistantText("Five rooms. Ask away."),
        UserText("List the rooms"),
    )
    provider.assert_complete()


async def test_max_steps_fails_the_run_with_a_clear_reason(sessions: SessionFactory) -> None:
    loop = tool_turn(("a", "list_rooms", "{}"))
    provider = ScriptedProvider([loop, loop, loop])
    runner = build_runner(sessions, provider, max_steps=3)
    events = await ask(runner, await new_thread(sessions), "loop")
    assert isinstance(events[-1], RunFinished)
    assert events[-1].status == "failed"
    assert events[-1].error == ("Stopped after 3 model turns without a final answer (max_steps=3).")
    provider.assert_complete()


async def test_stop_mid_stream_keeps_the_partial_text(sessions: SessionFactory) -> None:
    pause = Pause()
    provider = ScriptedProvider([[*text_turn("Partial ", "text")[:2], pause, *text_turn(" never")]])
    runner = build_runner(sessions, provider, stop_poll_interval_s=0)
    thread_id = await new_thread(sessions)
    events: list[RunEvent] = []

    async def consume() -> None:
        async for event in run_in(runner, thread_id, "long story"):
            events.append(event)

    task = asyncio.create_task(consume())
    await asyncio.wait_for(pause.reached.wait(), 5)
    await wait_until(
        lambda: "".join(e.text for e in events if isinstance(e, TextDelta)) == "Partial text",
        "both deltas",
    )
    async with sessions() as session:
        assert await request_stop(session, events[0].run_id, await person(session))
    # One query for every run this process drives notices it and cancels the run while the
    # provider is paused; nothing that arrives after that is shown.
    await wait_until(lambda: isinstance(events[-1], RunFinished), "the stop noticed")
    pause.release.set()
    await asyncio.wait_for(task, 5)
    assert isinstance(events[-1], RunFinished) and events[-1].status == "cancelled"
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "Partial text"
    run, (_, assistant) = await stored_run(sessions, events[0].run_id)
    assert run.status == "cancelled"
    assert assistant.parts == [{"type": "text", "text": "Partial text"}]
    assert assistant.status == "incomplete"


async def test_stop_lands_while_the_provider_is_silent(sessions: SessionFactory) -> None:
    silent = Pause()  # never released: a model that stopped sending mid-reply
    provider = ScriptedProvider([[*text_turn("Waiting ")[:1], silent]])
    runner = build_runner(sessions, provider, stop_poll_interval_s=0.05)
    thread_id = await new_thread(sessions)
    events: list[RunEvent] = []

    async def consume() -> None:
        async for event in run_in(runner, thread_id, "hi"):
            events.append(event)

    task = asyncio.create_task(consume())
    await asyncio.wait_for(silent.reached.wait(), 5)
    await wait_until(lambda: any(isinstance(e, TextDelta) for e in events), "the first delta")
    async with sessions() as session:
        assert await request_stop(session, events[0].run_id, await person(session))
    await asyncio.wait_for(task, 2)
    assert isinstance(events[-1], RunFinished) and events[-1].status == "cancelled"
    assert provider.closed_early == 1, "the provider's stream was left open"
    _, (_, assistant) = await stored_run(sessions, events[0].run_id)
    assert assistant.parts == [{"type": "text", "text": "Waiting "}]


async def test_cancelling_the_task_ends_the_run_cancelled_with_text_kept(
    sessions: SessionFactory,
) -> None:
    pause = Pause()
    provider = ScriptedProvider([[*text_turn("Half a ")[:1], pause]])
    runner = build_runner(sessions, provider)
    thread_id = await new_thread(sessions)
    started: list[RunEvent] = []

    async def consume() -> None:
        async for event in run_in(runner, thread_id, "hi"):
            started.append(event)

    task = asyncio.create_task(consume())
    await asyncio.wait_for(pause.reached.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    run, (_, assistant) = await stored_run(sessions, started[0].run_id)
    assert (run.status, assistant.status) == ("cancelled", "incomplete")
    assert assistant.parts == [{"type": "text", "text": "Half a "}]


async def test_closing_the_stream_early_cancels_the_run(sessions: SessionFactory) -> None:
    pause = Pause()
    provider = ScriptedProvider([[*text_turn("a")[:1], pause, *text_turn("b", "c")]])
    runner = build_runner(sessions, provider)
    thread_id = await new_thread(sessions)
    async with aclosing(run_in(runner, thread_id, "hi")) as stream:
        first = await anext(stream)
        assert isinstance(first, RunStarted)
        await anext(stream)
    run, _ = await stored_run(sessions, first.run_id)
    assert run.status == "cancelled"


async def test_provider_error_fails_the_run_and_keeps_streamed_text(
    sessions: SessionFactory,
) -> None:
    provider = ScriptedProvider(
        [[*text_turn("Some ")[:1], Fail(ProviderError("Model went away."))]]
    )
    events = await ask(build_runner(sessions, provider), await new_thread(sessions), "hi")
    assert (events[-1].status, events[-1].error) == ("failed", "Model went away.")
    run, (_, assistant) = await stored_run(sessions, events[0].run_id)
    assert (run.status, run.error) == ("failed", "Model went away.")
    assert (assistant.parts, assistant.status) == (
        [{"type": "text", "text": "Some "}],
        "incomplete",
    )


async def test_unexpected_provider_crash_fails_without_text_as_failed(
    sessions: SessionFactory,
) -> None:
    provider = ScriptedProvider([[Fail(RuntimeError("boom"))]])
    events = await ask(build_runner(sessions, provider), await new_thread(sessions), "hi")
    assert events[-1].status == "failed"
    assert "internal error" in (events[-1].error or "")
    _, (_, assistant) = await stored_run(sessions, events[0].run_id)
    assert assistant.status == "failed"


async def test_one_run_at_a_time_per_thread(sessions: SessionFactory) -> None:
    runner = build_runner(sessions, ScriptedProvider([text_turn("x")]))
    thread_id = await new_thread(sessions)
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
    runner = build_runner(sessions, ScriptedProvider([]))
    thread_id = await new_thread(sessions)
    with pytest.raises(InvalidMessage, match=message):
        await runner.engine.start(thread_id, text, user_id=await _owner(sessions))
    async with sessions() as session:
        assert (await session.exec(select(Message))).all() == []


async def test_first_message_titles_the_thread(sessions: SessionFactory) -> None:
    runner = build_runner(sessions, ScriptedProvider([text_turn("ok")]))
    thread_id = await new_thread(sessions)
    await ask(runner, thread_id, "What's the temperature in the kitchen?\nthanks")
    async with sessions() as session:
        from app.assistant.threads import get_thread

        assert (await get_thread(session, thread_id, await person(session))).title == (
            "What's the temperature in the kitchen?"
        )
    async with sessions() as session:
        runs = (await session.exec(select(Run).where(col(Run.thread_id) == thread_id))).all()
    assert len(runs) == 1


async def test_another_persons_thread_cannot_be_continued(sessions: SessionFactory) -> None:
    runner = build_runner(sessions, ScriptedProvider([text_turn("x")]))
    thread_id = await new_thread(sessions)
    async with sessions() as session:
        mallory = await person(session, "mallory")
    with pytest.raises(ThreadNotFound, match=f"Thread {thread_id} not found"):
        await runner.engine.start(thread_id, "hello", user_id=mallory)
    async with sessions() as session:
        assert (await session.exec(select(Message))).all() == []
