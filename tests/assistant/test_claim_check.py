"""No claim without an effect: a reply that says it changed a room no Effect of its run
changed is marked on its message, and the model is told on its next turn.

The model is a real provider talking to the fake OpenAI server.
"""

from __future__ import annotations

import json

import pytest

from app.assistant.events import RunEvent, RunFinished
from app.db.models import Message
from app.db.session import SessionFactory
from app.services import build_provider
from app.settings import Settings
from tests.fakes.openai_server import Call, FakeOpenAI, Turn
from tests.support.assistant import build_runner, new_thread, run_in
from tests.support.model_harness import Harness

SET_KITCHEN = Call("set_room_temperature", '{"room": "kitchen", "celsius": 19}', "call_k")
GET_KITCHEN = Call("get_room_temperature", '{"room": "kitchen"}', "call_g")
NOTE = "your previous reply said the kitchen was changed, but no tool call changed it"


@pytest.fixture(params=["chat", "responses"])
def harness(request: pytest.FixtureRequest, sessions: SessionFactory, fake: FakeOpenAI) -> Harness:
    """An engine whose model is the fake server, over both OpenAI APIs."""
    return Harness(sessions, fake, request.param)


async def _ask(harness: Harness, thread_id: int, text: str) -> list[RunEvent]:
    events = [e async for e in run_in(harness.runner, thread_id, text)]
    assert isinstance(events[-1], RunFinished) and events[-1].status == "completed"
    return events


async def _unbacked(harness: Harness, events: list[RunEvent]) -> list[str] | None:
    return (await harness.assistant_message(events)).unbacked_rooms


def _said(harness: Harness, index: int) -> str:
    """Everything the model was sent in request `index`, as text."""
    return json.dumps(harness.conversation(index), ensure_ascii=False)


async def test_a_claim_with_no_effect_is_marked_and_the_model_is_told(
    harness: Harness, sessions: SessionFactory
) -> None:
    harness.fake.script(Turn(text=["Done, the kitchen is at 19"]), Turn(text=["Sorry."]))
    thread_id = await new_thread(sessions)
    events = await _ask(harness, thread_id, "set the kitchen to 19")
    assert await _unbacked(harness, events) == ["kitchen"]
    assert NOTE not in _said(harness, 0)
    await _ask(harness, thread_id, "did it work?")
    said = _said(harness, 1)
    # Told after the claim, before the person's next words (which stay as they wrote them).
    assert said.index("Done, the kitchen is at 19") < said.index(NOTE) < said.index("did it work?")


async def test_a_claim_an_effect_backs_is_not_marked(harness: Harness) -> None:
    harness.fake.script(Turn(calls=[SET_KITCHEN]), Turn(text=["Done, the kitchen is at 19 °C."]))
    events = await harness.ask("set the kitchen to 19")
    assert await _unbacked(harness, events) is None


async def test_a_reading_is_not_a_claim(harness: Harness) -> None:
    harness.fake.script(Turn(calls=[GET_KITCHEN]), Turn(text=["The kitchen is at 22 °C."]))
    events = await harness.ask("how warm is the kitchen?")
    assert await _unbacked(harness, events) is None


async def test_an_effect_backs_only_its_own_room(harness: Harness) -> None:
    harness.fake.script(
        Turn(calls=[SET_KITCHEN]),
        Turn(text=["Done: the kitchen is now 19 °C and I've set the bedroom to 18 °C."]),
    )
    events = await harness.ask("set the kitchen to 19 and the bedroom to 18")
    assert await _unbacked(harness, events) == ["bedroom"]


async def test_the_offline_assistant_claims_only_what_it_did(sessions: SessionFactory) -> None:
    runner = build_runner(sessions, build_provider(Settings(offline_chunk_delay_s=0), sessions))
    thread_id = await new_thread(sessions)
    for text in ["set the kitchen to 19", "set the kitchen to 19", "what's the kitchen at?"]:
        events = [e async for e in run_in(runner, thread_id, text)]
        async with sessions() as session:
            reply = await session.get(Message, events[0].assistant_message_id)
        assert reply is not None and reply.unbacked_rooms is None, reply.parts
