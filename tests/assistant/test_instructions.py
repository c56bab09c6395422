"""The system prompt: who Hearth is, and the home's rooms with their ranges as stored now."""

from __future__ import annotations

from app.assistant.instructions import build_instructions
from app.db.session import SessionFactory
from app.home.rooms import add_room, list_rooms, remove_room, set_room_bounds


async def test_the_prompt_lists_every_room_with_its_range(sessions: SessionFactory) -> None:
    async with sessions() as session:
        prompt = build_instructions(await list_rooms(session))
    assert prompt.startswith("You are Hearth, the assistant of a home.")
    assert (
        "Rooms (name: allowed range in °C): bathroom: 5–35; bedroom: 5–35; home office: 5–35; "
        "kitchen: 5–35; living room: 5–35.\n"
    ) in prompt
    assert "never claim a change the tools did not confirm" in prompt


async def test_the_prompt_follows_the_rooms_as_they_change(sessions: SessionFactory) -> None:
    async with sessions() as session:
        await add_room(session, "Guest Room", 18, 10, 30)
        await set_room_bounds(session, "kitchen", 16.5, 28)
        await remove_room(session, "bathroom")
        prompt = build_instructions(await list_rooms(session))
    assert (
        "Rooms (name: allowed range in °C): bedroom: 5–35; guest room: 10–30; home office: 5–35; "
        "kitchen: 16.5–28; living room: 5–35.\n"
    ) in prompt


async def test_a_german_household_is_answered_in_german(sessions: SessionFactory) -> None:
    async with sessions() as session:
        english = build_instructions(await list_rooms(session))
        german = build_instructions(await list_rooms(session), language="de")
    assert "German" not in english
    assert german.startswith(english) and german.endswith("always answer in German.")
