"""The offline assistant's follow-ups, end to end: every text it offers after a reply is sent
back through the real engine, tools and database, and must be understood and do what it says."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from app.assistant.events import EffectRecorded, RunEvent, SuggestionsOffered, TextDelta
from app.assistant.providers.offline.provider import OfflineProvider
from app.assistant.providers.offline.replies import Replies
from app.assistant.runner import Runner
from app.db.models import Effect, Room
from app.db.session import SessionFactory
from app.db.statuses import EffectSource
from app.home.rooms import list_rooms
from app.services import build_provider
from app.settings import Settings
from tests.support.assistant import build_runner, run_in
from tests.support.people import owned_thread

# What the offline assistant says when it did not understand, in each language.
NOT_UNDERSTOOD = {"en": "didn't understand", "de": "nicht verstanden"}


def _runner(sessions: SessionFactory, language: str) -> Runner:
    provider = build_provider(Settings(offline_chunk_delay_s=0, language=language), sessions)
    assert isinstance(provider, OfflineProvider)
    return build_runner(sessions, provider)


class Chat:
    """One thread, one message at a time: the reply, its cards, what it offers next."""

    def __init__(self, runner: Runner, thread_id: int, language: str) -> None:
        self.runner, self.thread_id, self.language = runner, thread_id, language
        self.events: list[RunEvent] = []

    async def send(self, text: str) -> str:
        self.events = [e async for e in run_in(self.runner, self.thread_id, text)]
        assert self.events[-1].kind == "run_finished" and self.events[-1].status == "completed"
        reply = "".join(e.text for e in self.events if isinstance(e, TextDelta))
        assert NOT_UNDERSTOOD[self.language] not in reply, f"{text!r} was not understood: {reply}"
        return reply

    @property
    def offered(self) -> list[str]:
        offers = [e.texts for e in self.events if isinstance(e, SuggestionsOffered)]
        return list(offers[-1]) if offers else []

    @property
    def changes(self) -> list[tuple[str, float, float]]:
        return [
            (e.room, e.old_celsius, e.new_celsius)
            for e in self.events
            if isinstance(e, EffectRecorded)
        ]


async def _chat(sessions: SessionFactory, language: str = "en") -> Chat:
    async with sessions() as session:
        thread = await owned_thread(session)
    return Chat(_runner(sessions, language), thread.id or 0, language)


async def _celsius(sessions: SessionFactory, room: str) -> float:
    async with sessions() as session:
        return (await session.exec(select(Room).where(Room.name == room))).one().celsius


async def test_after_a_set_undo_a_degree_warmer_and_another_room_each_do_what_they_say(
    sessions: SessionFactory,
) -> None:
    chat = await _chat(sessions)
    await chat.send("Set the kitchen to 24")
    assert chat.offered == [
        "Undo that",
        "Make it 1 degree warmer",
        "How warm is the living room?",
    ]

    assert await chat.send("Make it 1 degree warmer") == (
        "Done: the kitchen is now 25 °C, 1 degree warmer than before (24 °C)."
    )
    assert chat.changes == [("kitchen", 24, 25)]
    # Undo takes back the newest change of the thread, through the ledger's undo ...
    assert await chat.send("Undo that") == "Undone: the kitchen is back at 24 °C (it was 25 °C)."
    assert chat.changes == [("kitchen", 25, 24)]
    assert await _celsius(sessions, "kitchen") == 24
    # ... and again the one before it, then says there is nothing left.
    await chat.send("Undo that")
    assert await _celsius(sessions, "kitchen") == 22
    reply = await chat.send("Undo that")
    assert reply == "I couldn't do that: there is no change in this thread left to undo."
    assert chat.changes == []

    assert await chat.send("How warm is the living room?") == "The living room is at 21 °C."

    async with sessions() as session:
        undos = (
            await session.exec(
                select(Effect).where(Effect.source == EffectSource.undo).order_by(col(Effect.id))
            )
        ).all()
    assert [(u.room_name, u.new_celsius, u.thread_id) for u in undos] == [
        ("kitchen", 24, chat.thread_id),
        ("kitchen", 22, chat.thread_id),
    ]


async def test_after_a_read_set_it_changes_the_room_just_read(sessions: SessionFactory) -> None:
    chat = await _chat(sessions)
    await chat.send("How warm is the bedroom?")
    assert chat.offered == ["Set it to 21", "How warm is the home office?"]
    await chat.send("Set it to 21")
    assert chat.changes == [("bedroom", 20, 21)]
    assert chat.offered[:2] == ["Undo that", "Make it 1 degree warmer"]


async def test_after_a_cooler_change_the_offer_goes_cooler_and_undo_takes_back_every_room(
    sessions: SessionFactory,
) -> None:
    chat = await _chat(sessions)
    await chat.send("Set every room to 19")
    assert chat.offered[:2] == ["Undo that", "Make it 1 degree cooler"]
    await chat.send("Make it 1 degree cooler")
    assert sorted(chat.changes) == sorted((room, 19, 18) for room, *_ in chat.changes)
    assert len(chat.changes) == 5
    reply = await chat.send("Undo that")
    assert reply.startswith("Undone:\n\n- **")
    assert sorted(new for *_, new in chat.changes) == [19] * 5


async def test_undo_refuses_a_room_changed_since_and_undoes_nothing(
    sessions: SessionFactory,
) -> None:
    chat = await _chat(sessions)
    await chat.send("Set the kitchen to 18 and the bedroom to 17")
    other = await _chat(sessions)
    await other.send("Set the bedroom to 16")
    reply = await chat.send("Undo that")
    assert reply == (
        "I couldn't do that: the bedroom is at 16 °C now, not what that change set; "
        "it has changed since."
    )
    assert chat.changes == []
    assert (await _celsius(sessions, "kitchen"), await _celsius(sessions, "bedroom")) == (18, 16)


async def test_which_room_offers_the_rooms_and_one_completes_the_request(
    sessions: SessionFactory,
) -> None:
    chat = await _chat(sessions)
    await chat.send("Set it to 20")
    assert chat.offered == ["bathroom", "bedroom", "home office"]
    await chat.send("bathroom")
    assert chat.changes == [("bathroom", 23, 20)]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            [
                "What's the temperature in the bathroom?",
                "Set the bathroom to 19",
                "Make the bedroom 2 degrees warmer",
                "Which room is warmest?",
            ],
        ),
        (
            "de",
            [
                "Wie warm ist es in Bathroom?",
                "Stell Bathroom auf 19 Grad",
                "Mach Bedroom 2 Grad wärmer",
                "Welcher Raum ist am wärmsten?",
            ],
        ),
    ],
)
async def test_the_starters_name_the_homes_rooms_and_each_is_understood(
    sessions: SessionFactory, language: str, expected: list[str]
) -> None:
    async with sessions() as session:
        rooms = [room.name for room in await list_rooms(session)]
    starters = Replies(language).starters(rooms)
    assert starters == expected
    for text in starters:
        await (await _chat(sessions, language)).send(text)


@pytest.mark.parametrize(
    ("language", "openers"),
    [
        (
            "en",
            [
                "Set the kitchen to 20",
                "What's the temperature in the bedroom?",
                "List the rooms",
                "Which room is warmest?",
                "Which room is colder, the kitchen or the bedroom?",
                "Undo that",
            ],
        ),
        (
            "de",
            [
                "Stell die Küche auf 20",
                "Wie warm ist es im Schlafzimmer?",
                "Zeig mir alle Temperaturen",
                "Welcher Raum ist am wärmsten?",
                "Mach das rückgängig",
            ],
        ),
    ],
)
async def test_every_offered_text_is_understood_two_steps_on(
    sessions: SessionFactory, language: str, openers: list[str]
) -> None:
    """Each opener in a thread of its own; each of its offers sent next, and each of their
    offers after that: all understood (Chat.send asserts it), and each reply offers two or
    three (a "Which room?" may offer more)."""
    if language == "de":
        async with sessions() as session:
            for english, german in (("kitchen", "Küche"), ("bedroom", "Schlafzimmer")):
                room = (await session.exec(select(Room).where(Room.name == english))).one()
                room.name = german.casefold()
                session.add(room)
            await session.commit()
    seen: set[str] = set()
    for opener in openers:
        chat = await _chat(sessions, language)
        await chat.send(opener)
        first = chat.offered
        assert 2 <= len(first) <= 3, (opener, first)
        for text in first:
            branch = await _chat(sessions, language)
            await branch.send(opener)
            await branch.send(text)
            seen.add(text)
            assert 2 <= len(branch.offered) <= 3, (opener, text, branch.offered)
            for after in branch.offered:
                if after in seen:
                    continue
                seen.add(after)
                leaf = await _chat(sessions, language)
                await leaf.send(opener)
                await leaf.send(text)
                await leaf.send(after)
    # Every kind of follow-up was reached.
    keys = {"en": ["Undo that", "Make it 1 degree", "How warm is", "Set it to", "Show all"]}
    keys["de"] = ["Mach das rückgängig", "Mach es 1 Grad", "Wie warm ist es", "Stell es auf"]
    for key in keys[language]:
        assert any(text.startswith(key) for text in seen), (key, sorted(seen))
