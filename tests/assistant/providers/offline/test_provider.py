"""The offline assistant end to end: real engine, real tools, real database."""

from __future__ import annotations

import time

import pytest
from sqlmodel import select

from app.assistant.conversation import UserText
from app.assistant.events import RunEvent, SuggestionsOffered, TextDelta, ToolCallStarted
from app.assistant.providers.base import ProviderText, TurnRequest
from app.assistant.providers.offline.provider import OfflineProvider
from app.assistant.runner import Runner
from app.assistant.understanding.parser import Understanding
from app.db.models import Effect, Room
from app.db.session import SessionFactory
from app.services import build_provider
from app.settings import Settings
from tests.support.assistant import build_runner, run_in
from tests.support.offline import help_examples
from tests.support.people import owned_thread


@pytest.fixture
def runner(sessions: SessionFactory) -> Runner:
    provider = build_provider(Settings(offline_chunk_delay_s=0), sessions)
    assert isinstance(provider, OfflineProvider)
    return build_runner(sessions, provider)


class Chat:
    """One thread, asked one question at a time."""

    def __init__(self, runner: Runner, thread_id: int) -> None:
        self.runner, self.thread_id = runner, thread_id
        self.events: list[RunEvent] = []

    async def ask(self, text: str) -> str:
        self.events = [e async for e in run_in(self.runner, self.thread_id, text)]
        assert self.events[-1].kind == "run_finished" and self.events[-1].status == "completed"
        return "".join(e.text for e in self.events if isinstance(e, TextDelta))

    @property
    def suggested(self) -> list[tuple[str, ...]]:
        return [e.texts for e in self.events if isinstance(e, SuggestionsOffered)]

    @property
    def tools(self) -> list[str]:
        return [e.name for e in self.events if isinstance(e, ToolCallStarted)]


@pytest.fixture
async def chat(runner: Runner, sessions: SessionFactory) -> Chat:
    async with sessions() as session:
        thread = await owned_thread(session)
    return Chat(runner, thread.id or 0)


async def _celsius(sessions: SessionFactory, room: str) -> float:
    async with sessions() as session:
        return (await session.exec(select(Room).where(Room.name == room))).one().celsius


async def test_reads_a_temperature_through_the_tool(chat: Chat) -> None:
    assert await chat.ask("What's the temperature in the kitchen?") == "The kitchen is at 22 °C."
    assert chat.tools == ["get_room_temperature"]


async def test_sets_a_temperature_and_reports_the_value_read_back(
    chat: Chat, sessions: SessionFactory
) -> None:
    reply = await chat.ask("set the kitchen to 19")
    assert reply == "Done: the kitchen is now 19 °C, 3 degrees cooler than before (22 °C)."
    assert chat.tools == ["set_room_temperature"]
    assert await _celsius(sessions, "kitchen") == 19


async def test_relative_change_reads_then_sets(chat: Chat, sessions: SessionFactory) -> None:
    reply = await chat.ask("make the bedroom 2 degrees warmer")
    assert chat.tools == ["get_room_temperature", "set_room_temperature"]
    assert reply == "Done: the bedroom is now 22 °C, 2 degrees warmer than before (20 °C)."
    await chat.ask("turn the bedroom down by 1.5")
    assert await _celsius(sessions, "bedroom") == 20.5


async def test_warmest_and_coldest_come_from_the_listed_rooms(chat: Chat) -> None:
    assert await chat.ask("which room is warmest?") == "The bathroom is the warmest room, at 23 °C."
    assert chat.tools == ["list_rooms"]
    assert await chat.ask("what's the coldest room") == "The bedroom is the coldest room, at 20 °C."


async def test_ties_name_every_room(chat: Chat) -> None:
    await chat.ask("set the bedroom to 23")
    reply = await chat.ask("which room is the hottest")
    assert reply == "The bathroom and the bedroom are the warmest rooms, at 23 °C each."


async def test_lists_rooms_as_markdown(chat: Chat) -> None:
    reply = await chat.ask("list the rooms")
    assert reply.splitlines()[2:] == [
        "- **bathroom**: 23 °C",
        "- **bedroom**: 20 °C",
        "- **home office**: 21 °C",
        "- **kitchen**: 22 °C",
        "- **living room**: 21 °C",
    ]


async def test_follow_up_reuses_the_previous_question(chat: Chat) -> None:
    await chat.ask("what's the temperature in the kitchen?")
    assert await chat.ask("and the bedroom?") == "The bedroom is at 20 °C."
    assert chat.tools == ["get_room_temperature"]


async def test_a_follow_up_question_after_a_change_only_reads(
    chat: Chat, sessions: SessionFactory
) -> None:
    await chat.ask("set the living room to 18")
    assert await chat.ask("what about the home office?") == "The home office is at 21 °C."
    assert chat.tools == ["get_room_temperature"]
    assert await _celsius(sessions, "home office") == 21


async def test_too_after_a_change_asks_for_the_same_again(
    chat: Chat, sessions: SessionFactory
) -> None:
    await chat.ask("set the living room to 18")
    await chat.ask("and the home office too")
    assert chat.tools == ["set_room_temperature"]
    assert await _celsius(sessions, "home office") == 18


async def test_tool_errors_are_explained(chat: Chat, sessions: SessionFactory) -> None:
    reply = await chat.ask("set the kitchen to 40")
    assert reply == "I couldn't do that: 40 °C is outside the kitchen's range; allowed: 5 to 35 °C."
    assert await _celsius(sessions, "kitchen") == 22
    async with sessions() as session:
        assert (await session.exec(select(Effect))).all() == []


@pytest.mark.parametrize("text", ["hello", "turn on the lights", "what's the weather?"])
async def test_not_understood_gets_help_and_no_tool_call(chat: Chat, text: str) -> None:
    reply = await chat.ask(text)
    assert reply.startswith("Sorry, I didn't understand that. I can ")
    assert reply.endswith("Rooms I know: bathroom, bedroom, home office, kitchen and living room.")
    assert chat.tools == []


async def test_an_unknown_room_is_named_with_the_rooms_known(chat: Chat) -> None:
    reply = await chat.ask("set the attic to 20")
    assert reply == (
        "I don't know a room called attic; "
        "rooms are bathroom, bedroom, home office, kitchen and living room."
    )
    assert chat.tools == []
    assert chat.suggested == []


async def test_the_suggested_examples_are_understood_and_answers_offer_follow_ups(
    chat: Chat,
) -> None:
    await chat.ask("hello")
    (offered,) = chat.suggested
    assert offered == tuple(help_examples("hello"))
    for example in offered:
        await chat.ask(example)
        # Understood: the answer offers follow-ups (test_follow_ups.py), not the help again.
        assert chat.tools and len(chat.suggested) == 1, example
        assert set(chat.suggested[0]).isdisjoint(offered), example


async def test_replies_stream_in_several_chunks(runner: Runner) -> None:
    request = TurnRequest("", (UserText("what can you do?"),), runner.engine.tools.specs)
    chunks = [e async for e in runner.engine.provider.stream_turn(request)]
    texts = [e.text for e in chunks if isinstance(e, ProviderText)]
    assert len(texts) > 5 and "".join(texts).strip()


async def test_a_room_less_question_asks_which_room(chat: Chat) -> None:
    assert (await chat.ask("what's the temperature?")).startswith("Which room do you mean?")


def test_understanding_language_is_a_setting() -> None:
    assert Understanding(Settings(language="de").language).language == "de"


async def test_a_set_to_the_current_value_says_so_and_writes_no_effect(
    chat: Chat, sessions: SessionFactory
) -> None:
    reply = await chat.ask("set the kitchen to 22")
    assert reply == "The kitchen was already at 22 °C; nothing changed."
    assert chat.tools == ["set_room_temperature"]
    async with sessions() as session:
        assert (await session.exec(select(Effect))).all() == []


@pytest.mark.parametrize(
    ("said", "sure"),
    [
        (["set the kitchen to 19"], True),
        (["set the kitchen to 19", "and the bedroom?"], True),
        (["set the temperature to 21"], True),  # it knows to ask which room
        (["hello"], False),
        (["the kitchen is lovely"], False),  # a room read for want of better
        (["what about the weather?"], False),  # a guess at a room the home lacks
    ],
)
async def test_it_says_whether_it_understands_with_confidence(
    runner: Runner, said: list[str], sure: bool
) -> None:
    """What the hybrid asks before answering locally; the rest goes to a model."""
    provider = runner.engine.provider
    assert isinstance(provider, OfflineProvider)
    request = TurnRequest("", tuple(UserText(text) for text in said), runner.engine.tools.specs)
    assert await provider.understands(request) is sure


async def test_the_first_word_comes_at_once_and_the_pause_is_between_words(
    runner: Runner,
) -> None:
    offline = runner.engine.provider
    assert isinstance(offline, OfflineProvider)
    slow = OfflineProvider(offline.understanding, offline.room_names, chunk_delay_s=0.3)
    request = TurnRequest("", (UserText("hello"),), runner.engine.tools.specs)
    [_ async for _ in offline.stream_turn(request)]  # the sentences loaded, "hello" read
    started = time.monotonic()
    words = slow.stream_turn(request)
    first = await anext(words)
    assert isinstance(first, ProviderText)
    assert time.monotonic() - started < 0.2
    second = await anext(words)
    assert isinstance(second, ProviderText)
    assert time.monotonic() - started >= 0.3
    await words.aclose()
