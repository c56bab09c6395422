"""Local first, model second, one thread: the offline assistant answers what it understands
with no request to the model; the model answers the rest and sees the local turns."""

from __future__ import annotations

import json

import pytest
from sqlmodel import col, select

from app.assistant.client_tools import ClientContext, ClientToolResult
from app.assistant.conversation import ToolCallItem, ToolResultItem, UserText
from app.assistant.events import RunEvent, RunFinished, TextDelta
from app.assistant.providers.base import ProviderToolCall, ToolSpec, TurnRequest
from app.assistant.providers.chat_completions import ChatCompletionsProvider
from app.assistant.providers.hybrid import (
    HybridProvider,
    LocalCheck,
    answered_by,
    understood_offline,
)
from app.assistant.providers.offline.provider import OfflineProvider
from app.assistant.providers.openai_client import ClientConfig
from app.assistant.runner import Runner
from app.assistant.understanding.parser import Understanding
from app.db.models import Effect, Run
from app.db.session import SessionFactory
from app.home.rooms import list_rooms
from tests.fakes.openai_server import Call, FakeOpenAI, Turn
from tests.support.assistant import build_runner, new_thread, run_events, run_in
from tests.support.people import person
from tests.support.statements import statements


def _offline(sessions: SessionFactory) -> OfflineProvider:
    async def room_names() -> list[str]:
        async with sessions() as session:
            return [room.name for room in await list_rooms(session)]

    return OfflineProvider(Understanding("en"), room_names, chunk_delay_s=0)


def _model(fake: FakeOpenAI) -> ChatCompletionsProvider:
    return ChatCompletionsProvider(
        ClientConfig(api_key="test-key", model="fake-model", base_url=fake.base_url)
    )


def _hybrid(
    sessions: SessionFactory,
    fake: FakeOpenAI,
    answers_locally: LocalCheck | None = None,
    remembered_runs: int = 1024,
) -> HybridProvider:
    offline = _offline(sessions)
    check = answers_locally or understood_offline(offline)
    return HybridProvider(offline, _model(fake), check, sessions, remembered_runs=remembered_runs)


class Flipping:
    """A local check that changes its mind after its first answer, and counts the asks."""

    def __init__(self, first: bool) -> None:
        self.first, self.asked = first, 0

    async def __call__(self, _request: TurnRequest) -> bool:
        self.asked += 1
        return self.first if self.asked == 1 else not self.first


async def _ask(runner: Runner, thread_id: int, text: str) -> list[RunEvent]:
    events = [e async for e in run_in(runner, thread_id, text)]
    assert events[-1] == RunFinished(events[0].run_id, "completed", None), events[-1]
    return events


def _said(events: list[RunEvent]) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDelta))


async def _recorded(sessions: SessionFactory, events: list[RunEvent]) -> str:
    async with sessions() as session:
        run = await session.get(Run, events[0].run_id)
    assert run is not None
    return run.provider


async def test_a_command_understood_locally_never_reaches_the_model(
    sessions: SessionFactory, fake: FakeOpenAI
) -> None:
    runner = build_runner(sessions, _hybrid(sessions, fake))
    events = await _ask(runner, await new_thread(sessions), "set the kitchen to 19")
    assert _said(events) == "Done: the kitchen is now 19 °C, 3 degrees cooler than before (22 °C)."
    assert fake.requests == []
    async with sessions() as session:
        effect = (await session.exec(select(Effect))).one()
    assert (effect.room_name, effect.new_celsius) == ("kitchen", 19)
    assert await _recorded(sessions, events) == "hybrid:offline"


async def test_what_the_offline_assistant_does_not_understand_goes_to_the_model(
    sessions: SessionFactory, fake: FakeOpenAI
) -> None:
    runner = build_runner(sessions, _hybrid(sessions, fake))
    fake.script(Turn(text=["It is ", "cosy."]))
    events = await _ask(runner, await new_thread(sessions), "is it cosy at home?")
    assert _said(events) == "It is cosy."
    assert len(fake.requests) == 1
    assert await _recorded(sessions, events) == "hybrid:chat"


async def test_the_model_sees_the_turns_answered_locally(
    sessions: SessionFactory, fake: FakeOpenAI
) -> None:
    runner = build_runner(sessions, _hybrid(sessions, fake))
    thread_id = await new_thread(sessions)
    await _ask(runner, thread_id, "set the kitchen to 19")
    fake.script(Turn(text=["Yes, the kitchen is at 19 °C now."]))
    await _ask(runner, thread_id, "is it cosy at home?")

    [request] = fake.requests
    messages = request["body"]["messages"]
    assert [m["role"] for m in messages] == ["user", "assistant", "tool", "assistant", "user"]
    asked, called, result, replied, now = messages
    assert asked["content"] == "set the kitchen to 19"
    [call] = called["tool_calls"]
    assert call["function"]["name"] == "set_room_temperature"
    assert json.loads(call["function"]["arguments"]) == {"room": "kitchen", "celsius": 19.0}
    # The local turn's effect, as the tool reported it.
    assert result["tool_call_id"] == call["id"]
    assert json.loads(result["content"])["message"] == (
        "Temperature in kitchen changed from 22 to 19."
    )
    assert (
        replied["content"]
        == "Done: the kitchen is now 19 °C, 3 degrees cooler than before (22 °C)."
    )
    assert now == {"role": "user", "content": "is it cosy at home?"}


@pytest.mark.parametrize("first", ["local", "model"])
@pytest.mark.parametrize("remembered_runs", [1024, 0])  # 0: later turns read the row
async def test_every_turn_of_a_run_goes_to_the_side_that_took_its_first(
    sessions: SessionFactory, fake: FakeOpenAI, first: str, remembered_runs: int
) -> None:
    # The check would answer the other way from the second time on: only the record holds.
    check = Flipping(first == "local")
    runner = build_runner(sessions, _hybrid(sessions, fake, check, remembered_runs))
    thread_id = await new_thread(sessions)
    fake.script(
        Turn(calls=[Call("get_room_temperature", '{"room": "kitchen"}')]),
        Turn(text=["The kitchen is at 22 °C."]),
    )
    events = await _ask(runner, thread_id, "what's the temperature in the kitchen?")
    assert _said(events) == "The kitchen is at 22 °C."
    assert [e.kind for e in events].count("step_finished") == 2
    assert check.asked == 1
    assert len(fake.requests) == (0 if first == "local" else 2)
    side = "offline" if first == "local" else "chat"
    assert await _recorded(sessions, events) == f"hybrid:{side}"


async def test_a_run_carrying_on_from_a_clients_results_goes_to_the_model(
    sessions: SessionFactory, fake: FakeOpenAI
) -> None:
    # Asked again, the check would say "local": the calls being answered are the model's.
    check = Flipping(False)
    runner = build_runner(sessions, _hybrid(sessions, fake, check))
    async with sessions() as session:
        user_id = await person(session)
    thread_id = await new_thread(sessions)
    locate = ToolSpec("locate_device", "Where the phone is.", {"type": "object", "properties": {}})
    client = ClientContext(tools=(locate,))
    fake.script(
        Turn(calls=[Call("locate_device", "{}", call_id="call_loc")]),
        Turn(text=["You are in the kitchen."]),
    )
    await run_events(
        await runner.start_run(thread_id, "where am I?", user_id=user_id, client=client)
    )
    result = ClientToolResult("call_loc", {"room": "kitchen"})
    run = await runner.continue_run(thread_id, [result], user_id=user_id, client=client)
    events = await run_events(run)
    assert _said(events) == "You are in the kitchen."
    assert len(fake.requests) == 2
    async with sessions() as session:
        runs = (await session.exec(select(Run.provider).order_by(col(Run.id)))).all()
    assert runs == ["hybrid:chat", "hybrid:chat"]


async def test_a_turn_of_no_run_is_decided_by_its_newest_request(
    sessions: SessionFactory, fake: FakeOpenAI
) -> None:
    hybrid = _hybrid(sessions, fake)
    local = [e async for e in hybrid.stream_turn(TurnRequest("", (UserText("list the rooms"),)))]
    assert isinstance(local[0], ProviderToolCall) and local[0].name == "list_rooms"
    assert fake.requests == []
    fake.script(Turn(text=["Hello."]))
    [e async for e in hybrid.stream_turn(TurnRequest("", (UserText("hello there"),)))]
    assert len(fake.requests) == 1


async def test_a_run_the_hybrid_did_not_start_is_refused(
    sessions: SessionFactory, fake: FakeOpenAI
) -> None:
    async with sessions() as session:
        run = Run(thread_id=await new_thread(sessions), provider="chat", status="in_progress")
        session.add(run)
        await session.commit()
        run_id = run.id or 0
    # A later turn of a run it never saw: the run's record is asked, and it is not its own.
    items = (
        UserText("list the rooms"),
        ToolCallItem("call_1", "list_rooms", "{}"),
        ToolResultItem("call_1", "list_rooms", '{"rooms": []}'),
    )
    request = TurnRequest("", items, run_id=run_id)
    with pytest.raises(ValueError, match=f"Run {run_id} is not a hybrid run"):
        await _hybrid(sessions, fake).side_for(request)


def test_two_sides_with_one_name_cannot_be_told_apart(
    sessions: SessionFactory, fake: FakeOpenAI
) -> None:
    offline = _offline(sessions)
    with pytest.raises(ValueError, match="both are 'offline'"):
        HybridProvider(offline, _offline(sessions), understood_offline(offline), sessions)


@pytest.mark.parametrize(
    ("recorded", "shown"),
    [
        ("hybrid:offline", "device"),
        ("hybrid:chat", "model"),
        ("hybrid:responses", "model"),
        ("hybrid", ""),  # not chosen yet
        ("offline", ""),  # one provider only: nothing to tell apart
        ("chat", ""),
    ],
)
def test_who_answered_is_read_from_the_run(recorded: str, shown: str) -> None:
    assert answered_by(recorded) == shown


async def test_the_choice_is_written_with_the_runs_next_save_not_on_its_own(
    sessions: SessionFactory, fake: FakeOpenAI
) -> None:
    """Choosing a side costs a local answer no round trip: no read of the run before its
    first turn, no write of its own (the run's next save carries it)."""
    runner = build_runner(sessions, _hybrid(sessions, fake))
    thread_id = await new_thread(sessions)
    with statements(sessions) as seen:
        events = await _ask(runner, thread_id, "set the kitchen to 19")
    assert await _recorded(sessions, events) == "hybrid:offline"
    of_its_own = [
        s
        for s in seen
        if s.startswith("SELECT run.provider FROM")
        or (s.startswith("UPDATE run SET provider=") and "heartbeat_at" not in s)
    ]
    assert of_its_own == []
    assert any(s.startswith("UPDATE run SET") and "provider=" in s for s in seen)
