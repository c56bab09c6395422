"""The home's tools, called through the registry as the engine calls them: whatever the model
sends comes back as a result it can read; a change comes back with its Effect."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from app.assistant.providers.base import ToolSpec
from app.assistant.tools import (
    HOME_TOOLS,
    Tool,
    ToolContext,
    ToolOutcome,
    ToolRegistry,
    home_tool_registry,
)
from app.db.models import Effect, Room
from app.db.session import SessionFactory
from app.db.statuses import EffectSource
from app.home.rooms import EffectOrigin
from tests.support.people import owned_thread

ROOMS = "bathroom, bedroom, home office, kitchen, living room"


async def _call(sessions: SessionFactory, name: str, arguments: str) -> ToolOutcome:
    async with sessions() as session:
        outcome = await home_tool_registry().call(
            name, arguments, ToolContext(session, EffectOrigin())
        )
        await session.commit()
    return outcome


async def _effects(sessions: SessionFactory) -> list[Effect]:
    async with sessions() as session:
        return list((await session.exec(select(Effect))).all())


async def _celsius(sessions: SessionFactory, room: str) -> float:
    async with sessions() as session:
        return (await session.exec(select(Room).where(Room.name == room))).one().celsius


def test_the_model_is_offered_the_four_home_tools_with_their_arguments() -> None:
    specs = {spec.name: spec.parameters for spec in home_tool_registry().specs}
    assert set(specs) == {
        "list_rooms",
        "get_room_temperature",
        "set_room_temperature",
        "undo_last_change",
    }
    assert specs["undo_last_change"].get("required", []) == []
    assert specs["list_rooms"].get("required", []) == []
    assert specs["get_room_temperature"]["required"] == ["room"]
    assert specs["set_room_temperature"]["required"] == ["room", "celsius"]
    assert specs["set_room_temperature"]["properties"]["celsius"]["type"] == "number"


@pytest.mark.parametrize(
    ("name", "arguments", "expected"),
    [
        (
            "open_garage",
            "{}",
            "Unknown tool 'open_garage'; available tools: "
            "get_room_temperature, list_rooms, set_room_temperature, undo_last_change.",
        ),
        (
            "set_room_temperature",
            '{"room": "attic", "celsius": 20}',
            f"Room 'attic' not found; known rooms: {ROOMS}.",
        ),
        (
            "set_room_temperature",
            '{"room": "kitchen", "celsius": 80}',
            "80 °C is outside the kitchen's range; allowed: 5 to 35 °C.",
        ),
        (
            "set_room_temperature",
            '{"room": "kitchen", "celsius": true}',
            "Temperature True is not a number of degrees Celsius; "
            "send a finite number such as 19 or 20.5.",
        ),
        (
            "set_room_temperature",
            '{"room": "kitchen", "celsius": NaN}',
            "Temperature nan is not a number of degrees Celsius; "
            "send a finite number such as 19 or 20.5.",
        ),
        (
            "set_room_temperature",
            '{"room": "kitchen"',
            "Arguments for set_room_temperature are not valid JSON "
            "(Expecting ',' delimiter at position 18); "
            'send an object such as {"room": "kitchen", "celsius": 19}.',
        ),
        (
            "set_room_temperature",
            '{"room": "kitchen"}',
            "set_room_temperature needs 'celsius' (a number of degrees Celsius); "
            "got the fields ['room'].",
        ),
        (
            "set_room_temperature",
            '{"celsius": 19}',
            "set_room_temperature needs 'room' (a room name as text); got None.",
        ),
        (
            "get_room_temperature",
            '{"room": "  "}',
            "get_room_temperature needs 'room' (a room name as text); got '  '.",
        ),
        (
            "get_room_temperature",
            '{"room": 3}',
            "get_room_temperature needs 'room' (a room name as text); got 3.",
        ),
        (
            "get_room_temperature",
            "[1]",
            'Arguments for get_room_temperature must be a JSON object such as {"room": "kitchen"}.',
        ),
    ],
)
async def test_what_a_tool_cannot_use_comes_back_as_an_error_result(
    sessions: SessionFactory, name: str, arguments: str, expected: str
) -> None:
    outcome = await _call(sessions, name, arguments)
    # The words are what a model reads; a refusal the domain states as data carries it too.
    facts = (
        {"problem": "out_of_range", "room": "kitchen", "celsius": 80.0}
        | {"min_celsius": 5.0, "max_celsius": 35.0}
        if "outside" in expected
        else {}
    )
    assert (outcome.is_error, outcome.output, outcome.effects) == (
        True,
        {"error": expected, **facts},
        (),
    )
    assert json.loads(outcome.output_json) == {"error": expected, **facts}
    assert await _effects(sessions) == []
    assert await _celsius(sessions, "kitchen") == 22


async def test_a_set_changes_the_room_and_returns_its_effect(sessions: SessionFactory) -> None:
    async with sessions() as session:
        thread = await owned_thread(session)
        origin = EffectOrigin(
            source=EffectSource.assistant, user_id=thread.user_id, thread_id=thread.id
        )
        outcome = await home_tool_registry().call(
            "set_room_temperature",
            '{"room": "The Kitchen", "celsius": "19.04"}',
            ToolContext(session, origin),
        )
        await session.commit()
    assert not outcome.is_error
    assert outcome.output == {
        "room": "kitchen",
        "celsius": 19.0,
        "previous_celsius": 22.0,
        "changed": True,
        "message": "Temperature in kitchen changed from 22 to 19.",
    }
    (effect,) = outcome.effects
    (stored,) = await _effects(sessions)
    assert stored.id == effect.id
    assert (stored.room_name, stored.old_celsius, stored.new_celsius) == ("kitchen", 22, 19)
    assert (stored.source, stored.user_id, stored.thread_id) == (
        "assistant",
        thread.user_id,
        thread.id,
    )
    assert await _celsius(sessions, "kitchen") == 19


async def test_a_set_to_the_current_value_says_so_and_writes_no_effect(
    sessions: SessionFactory,
) -> None:
    outcome = await _call(sessions, "set_room_temperature", '{"room": "kitchen", "celsius": 22}')
    assert not outcome.is_error and outcome.effects == ()
    assert outcome.output == {
        "room": "kitchen",
        "celsius": 22.0,
        "previous_celsius": 22.0,
        "changed": False,
        "message": "The kitchen is already at 22 °C; nothing changed.",
    }
    assert await _effects(sessions) == []


async def test_reads_return_the_stored_temperatures(sessions: SessionFactory) -> None:
    read = await _call(sessions, "get_room_temperature", '{"room": "Living_Room"}')
    assert (read.is_error, read.output) == (False, {"room": "living room", "celsius": 21})
    # No arguments at all reads as an empty object.
    listed = await _call(sessions, "list_rooms", "")
    assert listed.output == {
        "rooms": [
            {"room": "bathroom", "celsius": 23},
            {"room": "bedroom", "celsius": 20},
            {"room": "home office", "celsius": 21},
            {"room": "kitchen", "celsius": 22},
            {"room": "living room", "celsius": 21},
        ]
    }
    assert await _effects(sessions) == []


def test_output_json_keeps_text_as_written() -> None:
    outcome = ToolOutcome({"message": "The kitchen is already at 22 °C."})
    assert outcome.output_json == '{"message": "The kitchen is already at 22 °C."}'


async def test_a_tool_that_crashes_is_a_wiring_bug_and_raises(sessions: SessionFactory) -> None:
    """Only what the model sent becomes a result; a broken tool is the engine's to report."""

    async def crash(arguments: dict, context: ToolContext) -> ToolOutcome:
        raise RuntimeError("thermostat unplugged")

    registry = ToolRegistry([Tool(ToolSpec("broken", "Fails.", {"type": "object"}), crash, "{}")])
    async with sessions() as session:
        with pytest.raises(RuntimeError, match="thermostat unplugged"):
            await registry.call("broken", "{}", ToolContext(session, EffectOrigin()))


def test_only_tools_that_change_the_home_say_what_a_call_would_change() -> None:
    registry = home_tool_registry()
    assert [t.name for t in HOME_TOOLS if t.changes_home] == [
        "set_room_temperature",
        "undo_last_change",
    ]
    assert (
        registry.change_summary("undo_last_change", "{}")
        == "undo the last change made in this conversation"
    )
    summary = registry.change_summary("set_room_temperature", '{"room": "kitchen", "celsius": 19}')
    assert summary == "change the kitchen to 19 °C"
    assert (
        registry.change_summary("set_room_temperature", "[1") == "run set_room_temperature with [1"
    )
    assert registry.change_summary("get_room_temperature", '{"room": "kitchen"}') is None
    assert registry.change_summary("open_garage", "{}") is None
