"""Both OpenAI providers against the fake server: real HTTP, real SSE, the real client."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from app.assistant.events import (
    RunEvent,
    RunFinished,
    RunRetrying,
    StepFinished,
    TextDelta,
    ToolCallFinished,
    ToolCallStarted,
    ToolInputDelta,
)
from app.db.models import Message, Room
from app.db.session import SessionFactory
from tests.fakes.openai_server import Call, FakeOpenAI, Turn
from tests.support.model_harness import Harness

SET_KITCHEN = Call("set_room_temperature", '{"room": "kitchen", "celsius": 19}', "call_k")
GET_BEDROOM = Call("get_room_temperature", '{"room": "bedroom"}', "call_b")


@pytest.fixture(params=["chat", "responses"])
def api(request: pytest.FixtureRequest) -> str:
    return request.param


def _text(events: list[RunEvent]) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDelta))


def _finished(events: list[RunEvent]) -> RunFinished:
    last = events[-1]
    assert isinstance(last, RunFinished)
    return last


async def _assistant_message(sessions: SessionFactory, events: list[RunEvent]) -> Message:
    async with sessions() as session:
        message = await session.get(Message, events[0].assistant_message_id)
    assert message is not None
    return message


async def test_text_only(sessions: SessionFactory, fake: FakeOpenAI, api: str) -> None:
    fake.script(Turn(text=["Hel", "lo ", "there."]))
    harness = Harness(sessions, fake, api)
    events = await harness.ask("hi")
    assert _text(events) == "Hello there."
    assert _finished(events).status == "completed"
    body = harness.body(0)
    assert body["model"] == "fake-model" and body["stream"] is True
    assert {t["name"] if api == "responses" else t["function"]["name"] for t in body["tools"]} == {
        "list_rooms",
        "get_room_temperature",
        "set_room_temperature",
    }
    if api == "chat":
        assert body["messages"] == [
            {"role": "system", "content": "You are Hearth."},
            {"role": "user", "content": "hi"},
        ]
        assert body["stream_options"] == {"include_usage": True}
    else:
        assert body["instructions"] == "You are Hearth."
        assert body["input"] == [{"role": "user", "content": "hi"}]
        assert body["store"] is False


async def test_one_tool_call_round_trip(
    sessions: SessionFactory, fake: FakeOpenAI, api: str
) -> None:
    fake.script(Turn(calls=[SET_KITCHEN]), Turn(text=["Kitchen is 19 °C."]))
    harness = Harness(sessions, fake, api)
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
    assert _finished(events).status == "completed"
    second = harness.conversation(1)
    if api == "chat":
        assert second[-2] == {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_k",
                    "type": "function",
                    "function": {
                        "name": "set_room_temperature",
                        "arguments": SET_KITCHEN.arguments,
                    },
                }
            ],
        }
        assert second[-1]["role"] == "tool" and second[-1]["tool_call_id"] == "call_k"
        output = json.loads(second[-1]["content"])
    else:
        assert second[-2] == {
            "type": "function_call",
            "call_id": "call_k",
            "name": "set_room_temperature",
            "arguments": SET_KITCHEN.arguments,
        }
        assert second[-1]["type"] == "function_call_output" and second[-1]["call_id"] == "call_k"
        output = json.loads(second[-1]["output"])
    assert (output["celsius"], output["previous_celsius"]) == (19, 22)


async def test_parallel_tool_calls_in_one_turn(
    sessions: SessionFactory, fake: FakeOpenAI, api: str
) -> None:
    fake.script(Turn(calls=[SET_KITCHEN, GET_BEDROOM]), Turn(text=["Done."]))
    harness = Harness(sessions, fake, api)
    events = await harness.ask("kitchen 19 and how warm is the bedroom")
    finished = [e for e in events if isinstance(e, ToolCallFinished)]
    assert [(e.name, e.status) for e in finished] == [
        ("set_room_temperature", "done"),
        ("get_room_temperature", "done"),
    ]
    outputs = [
        m
        for m in harness.conversation(1)
        if m.get("role") == "tool" or m.get("type") == "function_call_output"
    ]
    assert len(outputs) == 2


async def test_several_steps(sessions: SessionFactory, fake: FakeOpenAI, api: str) -> None:
    fake.script(
        Turn(calls=[GET_BEDROOM]),
        Turn(calls=[Call("set_room_temperature", '{"room": "bedroom", "celsius": 22}', "c2")]),
        Turn(text=["Bedroom is 22 °C."]),
    )
    harness = Harness(sessions, fake, api)
    events = await harness.ask("bedroom two degrees warmer")
    assert _finished(events).status == "completed"
    assert len(fake.requests) == 3
    async with sessions() as session:
        bedroom = (await session.exec(select(Room).where(Room.name == "bedroom"))).one()
    assert bedroom.celsius == 22


async def test_429_then_success_honours_retry_after(
    sessions: SessionFactory, fake: FakeOpenAI, api: str
) -> None:
    fake.script(Turn(status=429, retry_after="2"), Turn(text=["Fine."]))
    harness = Harness(sessions, fake, api)
    events = await harness.ask("hi")
    retries = [e for e in events if isinstance(e, RunRetrying)]
    assert [(r.attempt, r.max_attempts, r.delay_s) for r in retries] == [(2, 3, 2.0)]
    assert "rate-limiting" in retries[0].reason
    assert harness.delays == [2.0]
    assert (_text(events), _finished(events).status) == ("Fine.", "completed")


async def test_500_three_times_fails_with_the_reason(
    sessions: SessionFactory, fake: FakeOpenAI, api: str
) -> None:
    fake.script(Turn(status=500), Turn(status=502), Turn(status=503))
    harness = Harness(sessions, fake, api)
    events = await harness.ask("hi")
    finished = _finished(events)
    assert finished.status == "failed"
    assert finished.error == "The model server failed (503, fake-model). Gave up after 3 attempts."
    assert len(harness.delays) == 2 and all(0 < d <= 20 for d in harness.delays)
    assert (await _assistant_message(sessions, events)).status == "failed"


async def test_cut_mid_text_keeps_the_text(
    sessions: SessionFactory, fake: FakeOpenAI, api: str
) -> None:
    # Chat: role chunk + 2 text chunks; Responses: 4 preamble events + 2 deltas.
    cut = 3 if api == "chat" else 6
    fake.script(Turn(text=["Partial ", "text ", "never"], cut_after=cut))
    harness = Harness(sessions, fake, api)
    events = await harness.ask("hi")
    finished = _finished(events)
    assert finished.status == "failed"
    assert finished.error == (
        "The connection to the model server failed. The reply was cut off; the text so far was kept."
    )
    message = await _assistant_message(sessions, events)
    assert message.parts == [{"type": "text", "text": "Partial text "}]
    assert message.status == "incomplete"
    assert len(fake.requests) == 1, "a reply that had started streaming was retried"


async def test_cut_mid_tool_call_runs_no_tool(
    sessions: SessionFactory, fake: FakeOpenAI, api: str
) -> None:
    cut = 3 if api == "chat" else 4
    fake.script(*[Turn(calls=[SET_KITCHEN], cut_after=cut)] * 3)
    harness = Harness(sessions, fake, api)
    events = await harness.ask("set the kitchen to 19")
    assert _finished(events).status == "failed"
    assert not [e for e in events if isinstance(e, ToolCallStarted)]
    async with sessions() as session:
        kitchen = (await session.exec(select(Room).where(Room.name == "kitchen"))).one()
    assert kitchen.celsius == 22


async def test_malformed_arguments_go_back_as_a_tool_error(
    sessions: SessionFactory, fake: FakeOpenAI, api: str
) -> None:
    broken = Call("set_room_temperature", '{"room": "kitchen", "celsius": 1', "call_x")
    fake.script(Turn(calls=[broken]), Turn(text=["Sorry, let me fix that."]))
    harness = Harness(sessions, fake, api)
    events = await harness.ask("set the kitchen")
    finished = next(e for e in events if isinstance(e, ToolCallFinished))
    assert finished.status == "error"
    assert "not valid JSON" in json.loads(finished.output)["error"]
    assert _finished(events).status == "completed"
    assert "not valid JSON" in json.dumps(harness.conversation(1)[-1])


async def test_max_steps_reached(sessions: SessionFactory, fake: FakeOpenAI, api: str) -> None:
    fake.script(*[Turn(calls=[Call("list_rooms", "{}", f"c{i}")]) for i in range(2)])
    harness = Harness(sessions, fake, api, max_steps=2)
    events = await harness.ask("loop")
    assert _finished(events).error == (
        "Stopped after 2 model turns without a final answer (max_steps=2)."
    )
    assert fake.pending == 0


async def test_malformed_chunk_fails_the_turn(
    sessions: SessionFactory, fake: FakeOpenAI, api: str
) -> None:
    at = 2 if api == "chat" else 5
    fake.script(Turn(text=["Some ", "text ", "more"], malformed_at=at))
    harness = Harness(sessions, fake, api)
    events = await harness.ask("hi")
    finished = _finished(events)
    assert finished.status == "failed"
    assert finished.error == "The model server sent a malformed chunk; the reply was cut off."
    assert _text(events) == "Some "
