"""The Responses API against the fake server: real HTTP, real SSE, the real `openai` client; on
its own, and driving the engine."""

from __future__ import annotations

import json

from sqlmodel import select

from app.assistant.conversation import AssistantText, ToolCallItem, ToolResultItem, UserText
from app.assistant.events import StepFinished, ToolCallFinished, ToolCallStarted, ToolInputDelta
from app.assistant.providers.base import (
    ProviderEvent,
    ProviderFinish,
    ProviderText,
    ProviderToolCall,
    ProviderToolInput,
    TurnRequest,
    Usage,
)
from app.assistant.providers.openai_client import ClientConfig
from app.assistant.providers.responses import ResponsesProvider, response_input
from app.assistant.tools import home_tool_registry
from app.db.models import Room
from app.db.session import SessionFactory
from tests.fakes.openai_server import Call, FakeOpenAI, Turn
from tests.support.model_harness import Harness, run_finished, streamed_text

SET_KITCHEN = Call("set_room_temperature", '{"room": "kitchen", "celsius": 19}', "call_k")
GET_BEDROOM = Call("get_room_temperature", '{"room": "bedroom"}', "call_b")


async def _turn(fake: FakeOpenAI, request: TurnRequest) -> list[ProviderEvent]:
    provider = ResponsesProvider(ClientConfig("test-key", "fake-model", fake.base_url))
    return [event async for event in provider.stream_turn(request)]


def test_the_conversation_becomes_input_items_with_calls_by_call_id() -> None:
    request = TurnRequest(
        "You are Hearth.",
        (
            UserText("kitchen?"),
            AssistantText("Let me look."),
            ToolCallItem("a", "get_room_temperature", '{"room": "kitchen"}'),
            ToolResultItem("a", "get_room_temperature", '{"error": "x"}', is_error=True),
        ),
    )
    # The instructions travel apart from the items (see the request body below).
    assert response_input(request) == [
        {"role": "user", "content": "kitchen?"},
        {"role": "assistant", "content": "Let me look."},
        {
            "type": "function_call",
            "call_id": "a",
            "name": "get_room_temperature",
            "arguments": '{"room": "kitchen"}',
        },
        {"type": "function_call_output", "call_id": "a", "output": '{"error": "x"}'},
    ]


async def test_a_turn_streams_text_then_fragments_then_whole_calls(fake: FakeOpenAI) -> None:
    fake.script(Turn(text=["Setting ", "it."], calls=[SET_KITCHEN], usage=(30, 9)))
    events = await _turn(fake, TurnRequest("", (UserText("kitchen 19"),)))
    fragments = [e for e in events if isinstance(e, ProviderToolInput)]
    assert events[:2] == [ProviderText("Setting "), ProviderText("it.")]
    assert events[2 : 2 + len(fragments)] == fragments and len(fragments) == 3
    assert {(f.call_id, f.name) for f in fragments} == {("call_k", "set_room_temperature")}
    assert "".join(f.delta for f in fragments) == SET_KITCHEN.arguments
    assert events[-2:] == [
        ProviderToolCall("call_k", "set_room_temperature", SET_KITCHEN.arguments),
        ProviderFinish("tool_calls", Usage(30, 9)),
    ]
    # No instructions, no tools: neither is sent.
    assert not {"instructions", "tools"} & set(fake.requests[0]["body"])


async def test_parallel_calls_come_out_in_their_output_order(fake: FakeOpenAI) -> None:
    fake.script(Turn(calls=[SET_KITCHEN, GET_BEDROOM]))
    events = await _turn(fake, TurnRequest("", (UserText("both"),)))
    assert [e for e in events if isinstance(e, ProviderToolCall)] == [
        ProviderToolCall("call_k", "set_room_temperature", SET_KITCHEN.arguments),
        ProviderToolCall("call_b", "get_room_temperature", GET_BEDROOM.arguments),
    ]


async def test_an_incomplete_response_finishes_for_length(fake: FakeOpenAI) -> None:
    fake.script(Turn(text=["The kitchen is"], finish_reason="length"))
    events = await _turn(fake, TurnRequest("", (UserText("hi"),)))
    assert events == [ProviderText("The kitchen is"), ProviderFinish("length", Usage(12, 7))]


async def test_the_tools_are_offered_as_functions(fake: FakeOpenAI) -> None:
    fake.script(Turn(text=["ok"]))
    specs = home_tool_registry().specs
    await _turn(fake, TurnRequest("", (UserText("hi"),), specs))
    set_spec = next(s for s in specs if s.name == "set_room_temperature")
    assert {
        "type": "function",
        "name": "set_room_temperature",
        "description": set_spec.description,
        "parameters": set_spec.parameters,
        "strict": False,
    } in fake.requests[0]["body"]["tools"]


async def test_text_only(sessions: SessionFactory, fake: FakeOpenAI) -> None:
    fake.script(Turn(text=["Hel", "lo ", "there."]))
    harness = Harness(sessions, fake, "responses")
    events = await harness.ask("hi")
    assert streamed_text(events) == "Hello there."
    assert run_finished(events).status == "completed"
    body = harness.body(0)
    assert body["model"] == "fake-model" and body["stream"] is True
    assert {t["name"] for t in body["tools"]} == {
        "list_rooms",
        "get_room_temperature",
        "set_room_temperature",
        "undo_last_change",
    }
    assert body["instructions"] == "You are Hearth."
    assert body["input"] == [{"role": "user", "content": "hi"}]
    assert body["store"] is False


async def test_one_tool_call_round_trip(sessions: SessionFactory, fake: FakeOpenAI) -> None:
    fake.script(Turn(calls=[SET_KITCHEN]), Turn(text=["Kitchen is 19 °C."]))
    harness = Harness(sessions, fake, "responses")
    events = await harness.ask("set the kitchen to 19")
    started = [e for e in events if isinstance(e, ToolCallStarted)]
    assert [(e.call_id, e.name, json.loads(e.arguments)) for e in started] == [
        ("call_k", "set_room_temperature", {"room": "kitchen", "celsius": 19})
    ]
    # The arguments streamed in fragments before the call, and add up to it.
    inputs = [e for e in events if isinstance(e, ToolInputDelta)]
    assert len(inputs) > 1 and {(e.call_id, e.name) for e in inputs} == {
        ("call_k", "set_room_temperature")
    }
    assert "".join(e.delta for e in inputs) == SET_KITCHEN.arguments
    assert events.index(inputs[-1]) < events.index(started[0])
    steps = [
        (e.finish_reason, e.input_tokens, e.output_tokens)
        for e in events
        if isinstance(e, StepFinished)
    ]
    assert steps == [("tool_calls", 12, 7), ("stop", 12, 7)]
    assert run_finished(events).status == "completed"
    second = harness.conversation(1)
    assert second[-2] == {
        "type": "function_call",
        "call_id": "call_k",
        "name": "set_room_temperature",
        "arguments": SET_KITCHEN.arguments,
    }
    assert second[-1]["type"] == "function_call_output" and second[-1]["call_id"] == "call_k"
    output = json.loads(second[-1]["output"])
    assert (output["celsius"], output["previous_celsius"]) == (19, 22)


async def test_parallel_tool_calls_in_one_turn(sessions: SessionFactory, fake: FakeOpenAI) -> None:
    fake.script(Turn(calls=[SET_KITCHEN, GET_BEDROOM]), Turn(text=["Done."]))
    harness = Harness(sessions, fake, "responses")
    events = await harness.ask("kitchen 19 and how warm is the bedroom")
    finished = [e for e in events if isinstance(e, ToolCallFinished)]
    assert [(e.name, e.status) for e in finished] == [
        ("set_room_temperature", "done"),
        ("get_room_temperature", "done"),
    ]
    outputs = [m for m in harness.conversation(1) if m.get("type") == "function_call_output"]
    assert len(outputs) == 2


async def test_several_steps(sessions: SessionFactory, fake: FakeOpenAI) -> None:
    fake.script(
        Turn(calls=[GET_BEDROOM]),
        Turn(calls=[Call("set_room_temperature", '{"room": "bedroom", "celsius": 22}', "c2")]),
        Turn(text=["Bedroom is 22 °C."]),
    )
    harness = Harness(sessions, fake, "responses")
    events = await harness.ask("bedroom two degrees warmer")
    assert run_finished(events).status == "completed"
    assert len(fake.requests) == 3
    async with sessions() as session:
        bedroom = (await session.exec(select(Room).where(Room.name == "bedroom"))).one()
    assert bedroom.celsius == 22


async def test_cut_mid_tool_call_runs_no_tool(sessions: SessionFactory, fake: FakeOpenAI) -> None:
    fake.script(*[Turn(calls=[SET_KITCHEN], cut_after=4)] * 3)
    harness = Harness(sessions, fake, "responses")
    events = await harness.ask("set the kitchen to 19")
    assert run_finished(events).status == "failed"
    assert not [e for e in events if isinstance(e, ToolCallStarted)]
    async with sessions() as session:
        kitchen = (await session.exec(select(Room).where(Room.name == "kitchen"))).one()
    assert kitchen.celsius == 22


async def test_malformed_arguments_go_back_as_a_tool_error(
    sessions: SessionFactory, fake: FakeOpenAI
) -> None:
    broken = Call("set_room_temperature", '{"room": "kitchen", "celsius": 1', "call_x")
    fake.script(Turn(calls=[broken]), Turn(text=["Sorry, let me fix that."]))
    harness = Harness(sessions, fake, "responses")
    events = await harness.ask("set the kitchen")
    finished = next(e for e in events if isinstance(e, ToolCallFinished))
    assert finished.status == "error"
    assert "not valid JSON" in json.loads(finished.output)["error"]
    assert run_finished(events).status == "completed"
    assert "not valid JSON" in json.dumps(harness.conversation(1)[-1])


async def test_max_steps_reached(sessions: SessionFactory, fake: FakeOpenAI) -> None:
    fake.script(*[Turn(calls=[Call("list_rooms", "{}", f"c{i}")]) for i in range(2)])
    harness = Harness(sessions, fake, "responses", max_steps=2)
    events = await harness.ask("loop")
    assert run_finished(events).error == (
        "Stopped after 2 model turns without a final answer (max_steps=2)."
    )
    assert fake.pending == 0
