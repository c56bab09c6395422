"""Follow-ups after a model's reply: a second small request to the fake OpenAI server once
the run has ended, bounded, never delaying the run's end nor failing it, with the offline
rules for what the run changed when the model gives nothing usable."""

from __future__ import annotations

import json
import time

import pytest

from app.assistant.events import RunFinished, SuggestionsOffered
from app.assistant.follow_ups import FOLLOW_UP_INSTRUCTIONS, FollowUpOffer, parse_follow_ups
from app.assistant.message_parts import SuggestionsPart, message_parts
from app.assistant.providers.chat_completions import ChatCompletionsProvider
from app.assistant.providers.hybrid import HybridProvider, understood_offline
from app.assistant.providers.offline.provider import OfflineProvider
from app.assistant.providers.openai_client import ClientConfig
from app.assistant.understanding.parser import Understanding
from app.db.session import SessionFactory
from app.home.rooms import list_rooms
from tests.fakes.openai_server import Call, FakeOpenAI, Turn
from tests.support.assistant import build_runner, run_in
from tests.support.model_harness import Harness, run_finished
from tests.support.people import owned_thread

SET_KITCHEN = Call("set_room_temperature", '{"room": "kitchen", "celsius": 24}')
OFFERED = ["Make it a bit cooler", "How warm is the bedroom?", "Undo that"]


def _offer(texts: list[str]) -> Turn:
    """The model's answer to the follow-up request, streamed in pieces."""
    text = json.dumps({"follow_ups": texts})
    return Turn(text=[text[:10], text[10:]])


async def _stored(harness: Harness, events) -> list[tuple[str, ...]]:
    message = await harness.assistant_message(events)
    return [p.texts for p in message_parts(message) if isinstance(p, SuggestionsPart)]


@pytest.mark.parametrize("api", ["chat", "responses"])
async def test_the_model_suggests_follow_ups_after_its_reply(
    sessions: SessionFactory, fake: FakeOpenAI, api: str
) -> None:
    fake.script(Turn(calls=[SET_KITCHEN]), Turn(text=["Done: 24 °C."]), _offer(OFFERED))
    harness = Harness(sessions, fake, api, follow_ups_timeout_s=5)
    events = await harness.ask("Warm the kitchen up to 24 please")
    assert run_finished(events).status == "completed"
    # Offered after the end (the run's events hold none), stored with the reply.
    assert not [e for e in events if isinstance(e, SuggestionsOffered)]
    assert await _stored(harness, events) == [tuple(OFFERED)]
    assert fake.pending == 0
    # The small request: Hearth's follow-up instructions, the exchange and the change, no tools.
    body = harness.body(2)
    assert "tools" not in body
    if api == "chat":
        system, user = body["messages"]
        assert system == {"role": "system", "content": FOLLOW_UP_INSTRUCTIONS}
    else:
        assert body["instructions"] == FOLLOW_UP_INSTRUCTIONS
        (user,) = body["input"]
    assert user["content"] == (
        "The person said: Warm the kitchen up to 24 please\n\n"
        "Hearth replied: Done: 24 °C.\n\n"
        "What Hearth changed: kitchen: 22.0 -> 24.0 °C"
    )


@pytest.mark.parametrize(
    "answer",
    [
        Turn(text=["Sure! Here are some ideas: warmer, cooler."]),
        Turn(text=['{"follow_ups": [1, 2]}']),
        Turn(status=500),
        Turn(text=['{"follow_ups": ["too late"]}'], first_delay_s=3),
    ],
    ids=["prose", "not-strings", "server-error", "too-slow"],
)
async def test_nothing_usable_from_the_model_falls_back_to_the_offline_rules_for_the_changes(
    sessions: SessionFactory, fake: FakeOpenAI, answer: Turn
) -> None:
    fake.script(Turn(calls=[SET_KITCHEN]), Turn(text=["Done."]), answer, answer, answer)
    harness = Harness(sessions, fake, "chat", follow_ups_timeout_s=1)
    started = time.monotonic()
    events = await harness.ask("Warm the kitchen up to 24 please")
    assert run_finished(events).status == "completed"
    # Bounded: the slow answer is given up on after the time limit.
    assert time.monotonic() - started < 2.5
    assert await _stored(harness, events) == [
        ("Undo that", "Make the kitchen 1 degree warmer", "How warm is the living room?")
    ]


async def test_a_reply_that_changed_nothing_and_got_nothing_usable_offers_nothing(
    sessions: SessionFactory, fake: FakeOpenAI
) -> None:
    fake.script(Turn(text=["Hello!"]), Turn(text=["no JSON here"]))
    harness = Harness(sessions, fake, "chat", follow_ups_timeout_s=5)
    events = await harness.ask("hi")
    assert await _stored(harness, events) == []


async def test_the_runs_end_never_waits_for_the_follow_ups(
    sessions: SessionFactory, fake: FakeOpenAI
) -> None:
    slow = Turn(text=['{"follow_ups": ["Undo that", "Show all the temperatures"]}'])
    fake.script(Turn(text=["Hello!"]), Turn(text=slow.text, first_delay_s=1.0))
    harness = Harness(sessions, fake, "chat", follow_ups_timeout_s=5)
    async with sessions() as session:
        thread = await owned_thread(session)
    run = await harness.runner.start_run(thread.id or 0, "hi", user_id=thread.user_id or 0)
    ended_at = offered_at = 0.0
    async for batch in run.follow():
        if batch and isinstance(batch[-1], RunFinished):
            ended_at = time.monotonic()
            break
    reply_id = run.started.assistant_message_id
    offered = await harness.runner.follow_ups(reply_id, run.run_id)
    assert offered == ("Undo that", "Show all the temperatures")
    offered_at = time.monotonic()
    # The end came a second before the offer did (the model took that long).
    assert offered_at - ended_at > 0.8
    await harness.runner.idle()


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (Turn(text=['{"follow_ups": ["Undo that"]}'], first_delay_s=1.0), ("Undo that",)),
        (Turn(text=["no JSON here"], first_delay_s=1.0), ()),
    ],
    ids=["offered", "none"],
)
async def test_another_process_waits_for_the_offer_until_it_is_stored_or_over(
    sessions: SessionFactory, fake: FakeOpenAI, answer: Turn, expected: tuple[str, ...]
) -> None:
    """A worker that did not drive the run (an API request on another worker) reads the
    offer from the database once it is stored, or answers () once its time is up."""
    fake.script(Turn(text=["Hello!"]), answer)
    harness = Harness(sessions, fake, "chat", follow_ups_timeout_s=1.5)
    elsewhere = FollowUpOffer(sessions, harness.provider, "en", 1.5)
    async with sessions() as session:
        thread = await owned_thread(session)
    run = await harness.runner.start_run(thread.id or 0, "hi", user_id=thread.user_id or 0)
    await run.finished()
    reply_id = run.started.assistant_message_id
    assert not harness.runner.is_driving(run.run_id)
    started = time.monotonic()
    assert await elsewhere.offered(reply_id, run.run_id) == expected
    waited = time.monotonic() - started
    # It waited for the model's second (not answering at once), and no longer than the
    # offer's limit and the slack for its save when nothing came.
    assert 0.5 < waited < 1.5 + 2.0 + 0.5
    await harness.runner.idle()


async def test_a_run_the_offline_side_answered_asks_the_model_nothing(
    sessions: SessionFactory, fake: FakeOpenAI
) -> None:
    async def room_names() -> list[str]:
        async with sessions() as session:
            return [room.name for room in await list_rooms(session)]

    offline = OfflineProvider(Understanding("en"), room_names, chunk_delay_s=0)
    model = ChatCompletionsProvider(
        ClientConfig(api_key="test-key", model="fake-model", base_url=fake.base_url)
    )
    hybrid = HybridProvider(offline, model, understood_offline(offline), sessions)
    runner = build_runner(sessions, hybrid, follow_ups_timeout_s=5)
    async with sessions() as session:
        thread = await owned_thread(session)
    events = [e async for e in run_in(runner, thread.id or 0, "set the kitchen to 20")]
    (offered,) = [e.texts for e in events if isinstance(e, SuggestionsOffered)]
    assert offered[0] == "Undo that"
    assert fake.requests == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"follow_ups": ["Undo that", " Make it  warmer "]}', ["Undo that", "Make it warmer"]),
        ('```json\n["a", "b", "a", "c", "d"]\n```', ["a", "b", "c"]),
        ('Sure: {"suggestions": ["x", ""]}', ["x"]),
        ('{"follow_ups": ["' + "long " * 20 + '", "ok"]}', ["ok"]),
        ('{"follow_ups": "Undo that"}', []),
        ("{not json}", []),
        ("", []),
    ],
)
def test_the_models_answer_is_read_leniently_and_kept_short(text: str, expected: list[str]) -> None:
    assert parse_follow_ups(text) == expected
