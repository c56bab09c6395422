"""A question never changes the home: a change a model makes in answer to a question is held
for the person's Approve or Deny, with the reason stored on the call; a command runs at once.

The model is a real provider talking to the fake OpenAI server; the classifier is the
offline assistant's (`app.assistant.understanding.classify`).
"""

from __future__ import annotations

import asyncio
from contextlib import aclosing

import pytest
from sqlmodel import select

from app.assistant.approvals import decide, set_tool_mode
from app.assistant.events import (
    ApprovalRequested,
    EffectRecorded,
    RunEvent,
    RunFinished,
    event_from_json,
    event_to_json,
)
from app.assistant.tools import home_tool_registry
from app.db.models import Effect, Room, ToolCall
from app.db.session import SessionFactory
from app.services import build_provider
from app.settings import Settings
from tests.fakes.openai_server import Call, FakeOpenAI, Turn
from tests.support.assistant import build_runner, run_in
from tests.support.model_harness import Harness
from tests.support.people import owned_thread, person

SET_KITCHEN = Call("set_room_temperature", '{"room": "kitchen", "celsius": 19}', "call_k")
SET_BEDROOM = Call("set_room_temperature", '{"room": "bedroom", "celsius": 18}', "call_b")
GET_KITCHEN = Call("get_room_temperature", '{"room": "kitchen"}', "call_g")
REASON = "You asked a question; change the kitchen to 19 °C?"
TOOLS = [spec.name for spec in home_tool_registry().specs]


@pytest.fixture(params=["chat", "responses"])
def api(request: pytest.FixtureRequest) -> str:
    """Each test talks to the fake server over both OpenAI APIs."""
    return request.param


class Conversation:
    """One thread with the fake model, message by message; a run that is held waits in a
    task while the test answers it."""

    def __init__(self, sessions: SessionFactory, fake: FakeOpenAI | None, api: str) -> None:
        if fake is None:  # the offline assistant
            provider = build_provider(Settings(offline_chunk_delay_s=0), sessions)
            self.runner = build_runner(sessions, provider, approval_timeout_s=10)
        else:
            self.runner = Harness(sessions, fake, api, approval_timeout_s=10).runner
        self.sessions = sessions
        self.thread_id = 0

    async def send(self, text: str) -> tuple[list[RunEvent], asyncio.Task[None] | None]:
        """Send `text`; the events up to the end of the run, or up to an approval request
        (with the task that carries the run on)."""
        if not self.thread_id:
            async with self.sessions() as session:
                self.thread_id = (await owned_thread(session)).id or 0
        events: list[RunEvent] = []
        asked = asyncio.Event()

        async def drive() -> None:
            stream = run_in(self.runner, self.thread_id, text)
            async with aclosing(stream):
                async for event in stream:
                    events.append(event)
                    if isinstance(event, ApprovalRequested):
                        asked.set()

        task = asyncio.create_task(drive())
        waiting = asyncio.create_task(asked.wait())
        await asyncio.wait([task, waiting], timeout=10, return_when=asyncio.FIRST_COMPLETED)
        waiting.cancel()
        if task.done():
            task.result()
            return events, None
        assert asked.is_set(), f"the run neither ended nor asked; events: {events}"
        return events, task

    async def answer(self, call_row_id: int, approve: bool) -> None:
        """The thread owner's Approve or Deny (a database write, as from any tab)."""
        async with self.sessions() as session:
            await decide(session, call_row_id, await person(session), approve)


async def _celsius(sessions: SessionFactory, room: str) -> float:
    async with sessions() as session:
        return (await session.exec(select(Room).where(Room.name == room))).one().celsius


async def _effects(sessions: SessionFactory) -> list[Effect]:
    async with sessions() as session:
        return list((await session.exec(select(Effect))).all())


def _requests(events: list[RunEvent]) -> list[ApprovalRequested]:
    return [e for e in events if isinstance(e, ApprovalRequested)]


async def test_a_change_in_answer_to_a_question_waits_with_its_reason(
    sessions: SessionFactory, fake: FakeOpenAI, api: str
) -> None:
    fake.script(Turn(calls=[SET_KITCHEN]), Turn(text=["Understood, nothing changed."]))
    chat = Conversation(sessions, fake, api)
    events, task = await chat.send("What's the temperature in the kitchen?")
    assert task is not None
    (request,) = _requests(events)
    assert request.reason == REASON
    # Every tab, the API and a reload read the reason from the call's row.
    async with sessions() as session:
        call = await session.get(ToolCall, request.call_row_id)
        assert call is not None
        assert (call.status, call.approval_reason) == ("awaiting_approval", REASON)
    assert await _celsius(sessions, "kitchen") == 22
    await chat.answer(request.call_row_id, approve=False)
    await asyncio.wait_for(task, 10)
    assert isinstance(events[-1], RunFinished) and events[-1].status == "completed"
    assert await _celsius(sessions, "kitchen") == 22
    assert await _effects(sessions) == []


async def test_an_approved_change_runs(
    sessions: SessionFactory, fake: FakeOpenAI, api: str
) -> None:
    fake.script(Turn(calls=[SET_KITCHEN]), Turn(text=["The kitchen is now 19 °C."]))
    chat = Conversation(sessions, fake, api)
    events, task = await chat.send("Is it warm in the kitchen?")
    assert task is not None
    (request,) = _requests(events)
    await chat.answer(request.call_row_id, approve=True)
    await asyncio.wait_for(task, 10)
    assert any(isinstance(e, EffectRecorded) for e in events)
    assert await _celsius(sessions, "kitchen") == 19


async def test_a_command_changes_the_home_at_once(
    sessions: SessionFactory, fake: FakeOpenAI, api: str
) -> None:
    fake.script(Turn(calls=[SET_KITCHEN]), Turn(text=["Done."]))
    events, task = await Conversation(sessions, fake, api).send("Set the kitchen to 19")
    assert task is None and _requests(events) == []
    assert await _celsius(sessions, "kitchen") == 19


async def test_a_question_may_read_without_asking(
    sessions: SessionFactory, fake: FakeOpenAI, api: str
) -> None:
    fake.script(Turn(calls=[GET_KITCHEN]), Turn(text=["The kitchen is at 22 °C."]))
    events, task = await Conversation(sessions, fake, api).send(
        "What's the temperature in the kitchen?"
    )
    assert task is None and _requests(events) == []


async def test_a_follow_up_question_does_not_borrow_the_decision_to_act(
    sessions: SessionFactory, fake: FakeOpenAI, api: str
) -> None:
    fake.script(
        Turn(calls=[SET_KITCHEN]),
        Turn(text=["Done."]),
        Turn(calls=[SET_BEDROOM]),
        Turn(text=["Left as it was."]),
    )
    chat = Conversation(sessions, fake, api)
    events, task = await chat.send("Set the kitchen to 19")
    assert task is None and await _celsius(sessions, "kitchen") == 19
    events, task = await chat.send("and the bedroom?")
    assert task is not None
    (request,) = _requests(events)
    assert request.reason == "You asked a question; change the bedroom to 18 °C?"
    await chat.answer(request.call_row_id, approve=False)
    await asyncio.wait_for(task, 10)
    assert await _celsius(sessions, "bedroom") == 20


async def test_an_ask_first_tool_asked_by_a_command_gives_no_reason(
    sessions: SessionFactory, fake: FakeOpenAI, api: str
) -> None:
    async with sessions() as session:
        await set_tool_mode(
            session, "set_room_temperature", "ask", TOOLS, await person(session, "admin")
        )
    fake.script(Turn(calls=[SET_KITCHEN]), Turn(text=["Done."]))
    chat = Conversation(sessions, fake, api)
    events, task = await chat.send("Set the kitchen to 19")
    assert task is not None
    (request,) = _requests(events)
    assert request.reason == ""
    async with sessions() as session:
        call = await session.get(ToolCall, request.call_row_id)
        assert call is not None and call.approval_reason is None
    await chat.answer(request.call_row_id, approve=True)
    await asyncio.wait_for(task, 10)
    assert await _celsius(sessions, "kitchen") == 19


async def test_the_reason_travels_with_the_request_to_other_workers(
    sessions: SessionFactory, fake: FakeOpenAI, api: str
) -> None:
    fake.script(Turn(calls=[SET_KITCHEN]), Turn(text=["Nothing changed."]))
    chat = Conversation(sessions, fake, api)
    events, task = await chat.send("What's the temperature in the kitchen?")
    assert task is not None
    (request,) = _requests(events)
    assert event_from_json(event_to_json(request)) == request
    await chat.answer(request.call_row_id, approve=False)
    await asyncio.wait_for(task, 10)


async def test_the_offline_assistant_is_held_the_same_way(sessions: SessionFactory) -> None:
    chat = Conversation(sessions, None, "offline")
    events, task = await chat.send("set the living room to 18")
    assert task is None and await _celsius(sessions, "living room") == 18
    events, task = await chat.send("what about the home office?")
    if task is not None:
        (request,) = _requests(events)
        assert request.reason == "You asked a question; change the home office to 18 °C?"
        await chat.answer(request.call_row_id, approve=False)
        await asyncio.wait_for(task, 10)
    assert await _celsius(sessions, "home office") != 18
