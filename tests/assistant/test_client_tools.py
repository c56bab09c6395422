"""Tools an API client runs itself: the call waits, the client's result carries the run on."""

from __future__ import annotations

import json

import pytest
from sqlmodel import col, select

from app.assistant.client_tools import ClientContext, ClientToolResult
from app.assistant.conversation import ToolCallItem, ToolResultItem
from app.assistant.errors import InvalidToolResults
from app.assistant.events import RunFinished, StepFinished, ToolCallStarted
from app.assistant.providers.base import ToolSpec
from app.assistant.runner import Runner
from app.db.models import Message, Run, ToolCall
from app.db.session import SessionFactory
from tests.fakes.scripted_provider import ScriptedProvider, text_turn, tool_turn
from tests.support.assistant import build_runner, run_events
from tests.support.people import owned_thread, person

LOCATE = ToolSpec("locate_device", "Where the phone is.", {"type": "object", "properties": {}})
CLIENT = ClientContext(tools=(LOCATE,), system="The person is on their phone.")
LOCATE_CALL = ("call_loc", "locate_device", "{}")
READ_KITCHEN = ("call_read", "get_room_temperature", '{"room": "kitchen"}')


async def _setup(sessions: SessionFactory, provider: ScriptedProvider) -> tuple[Runner, int, int]:
    async with sessions() as session:
        user_id = await person(session)
        thread_id = (await owned_thread(session)).id or 0
    return build_runner(sessions, provider), thread_id, user_id


async def _calls(sessions: SessionFactory) -> dict[str, str]:
    async with sessions() as session:
        rows = (await session.exec(select(ToolCall).order_by(col(ToolCall.id)))).all()
    return {row.call_id: row.status for row in rows}


async def test_a_client_tool_call_waits_and_its_result_carries_the_run_on(
    sessions: SessionFactory,
) -> None:
    provider = ScriptedProvider(
        [
            # A Hearth tool and the client's, in one turn: Hearth runs its own at once.
            tool_turn(READ_KITCHEN, LOCATE_CALL),
            text_turn("You are in the kitchen."),
        ]
    )
    runner, thread_id, user_id = await _setup(sessions, provider)
    run = await runner.start_run(thread_id, "where am I?", user_id=user_id, client=CLIENT)
    events, first = await run_events(run), run.started

    # The model was offered both kinds of tool, and the client's system text.
    names = [spec.name for spec in provider.requests[0].tools]
    assert "locate_device" in names and "set_room_temperature" in names
    assert provider.requests[0].instructions.endswith("The person is on their phone.")
    started = [e for e in events if isinstance(e, ToolCallStarted)]
    assert [e.name for e in started] == ["get_room_temperature", "locate_device"]
    steps = [e for e in events if isinstance(e, StepFinished)]
    assert [s.finish_reason for s in steps] == ["tool_calls"]
    assert events[-1] == RunFinished(first.run_id, "completed", None)
    assert await _calls(sessions) == {"call_read": "done", "call_loc": "awaiting_client"}

    run = await runner.continue_run(
        thread_id,
        [ClientToolResult("call_loc", {"room": "kitchen"})],
        user_id=user_id,
        client=CLIENT,
    )
    second = run.started
    assert second.user_message_id == 0 and second.assistant_message_id != first.assistant_message_id
    events = await run_events(run)
    assert events[-1] == RunFinished(second.run_id, "completed", None)
    assert await _calls(sessions) == {"call_read": "done", "call_loc": "done"}

    # The continuation's model turn saw the call and the client's result.
    items = provider.requests[1].items
    result = next(i for i in items if isinstance(i, ToolResultItem) and i.call_id == "call_loc")
    assert json.loads(result.output) == {"room": "kitchen"} and not result.is_error
    async with sessions() as session:
        first_reply = await session.get(Message, first.assistant_message_id)
        second_reply = await session.get(Message, second.assistant_message_id)
        run = await session.get(Run, second.run_id)
    assert first_reply is not None and second_reply is not None and run is not None
    assert [p["type"] for p in first_reply.parts] == [
        "tool-call",
        "tool-call",
        "tool-result",
        "tool-result",
    ]
    assert second_reply.parts == [{"type": "text", "text": "You are in the kitchen."}]
    assert run.thread_id == thread_id
    provider.assert_complete()


async def test_an_error_from_the_client_reaches_the_model_as_an_error(
    sessions: SessionFactory,
) -> None:
    provider = ScriptedProvider([tool_turn(LOCATE_CALL), text_turn("I could not find it.")])
    runner, thread_id, user_id = await _setup(sessions, provider)
    await run_events(
        await runner.start_run(thread_id, "where am I?", user_id=user_id, client=CLIENT)
    )
    failed = ClientToolResult("call_loc", {"error": "location is off"}, is_error=True)
    await run_events(await runner.continue_run(thread_id, [failed], user_id=user_id, client=CLIENT))
    result = next(i for i in provider.requests[1].items if isinstance(i, ToolResultItem))
    assert result.is_error and "location is off" in result.output
    assert await _calls(sessions) == {"call_loc": "error"}
    async with sessions() as session:
        row = (await session.exec(select(ToolCall))).one()
    assert (row.error, row.result) == ("location is off", {"error": "location is off"})


async def test_results_must_answer_every_waiting_call(sessions: SessionFactory) -> None:
    other = ("call_other", "locate_device", '{"precise": true}')
    provider = ScriptedProvider([tool_turn(LOCATE_CALL, other)])
    runner, thread_id, user_id = await _setup(sessions, provider)
    await run_events(
        await runner.start_run(thread_id, "where am I?", user_id=user_id, client=CLIENT)
    )
    with pytest.raises(InvalidToolResults, match=r"locate_device \(call_other\)"):
        await runner.continue_run(thread_id, [ClientToolResult("call_loc", {})], user_id=user_id)
    # Nothing was stored by the refused request.
    assert await _calls(sessions) == {
        "call_loc": "awaiting_client",
        "call_other": "awaiting_client",
    }


async def test_results_with_nothing_waiting_are_refused(sessions: SessionFactory) -> None:
    runner, thread_id, user_id = await _setup(sessions, ScriptedProvider([]))
    with pytest.raises(InvalidToolResults, match="No tool call in this thread is waiting"):
        await runner.continue_run(thread_id, [ClientToolResult("call_loc", {})], user_id=user_id)


async def test_a_new_message_gives_up_on_a_waiting_call(sessions: SessionFactory) -> None:
    provider = ScriptedProvider([tool_turn(LOCATE_CALL), text_turn("Sure.")])
    runner, thread_id, user_id = await _setup(sessions, provider)
    await run_events(
        await runner.start_run(thread_id, "where am I?", user_id=user_id, client=CLIENT)
    )
    await run_events(
        await runner.start_run(thread_id, "never mind", user_id=user_id, client=CLIENT)
    )
    assert await _calls(sessions) == {"call_loc": "cancelled"}
    items = provider.requests[1].items
    assert any(isinstance(i, ToolCallItem) and i.call_id == "call_loc" for i in items)
    result = next(i for i in items if isinstance(i, ToolResultItem))
    assert result.is_error and "interrupted" in result.output
