"""Room administration: add, rename, remove and bounds, each committed by itself."""

from __future__ import annotations

import math
import re

import pytest
from sqlmodel import select

from app.db.models import Effect, Room
from app.db.session import SessionFactory
from app.db.statuses import EffectSource
from app.home.errors import (
    BoundsExcludeTemperature,
    InvalidBounds,
    InvalidRoomName,
    InvalidTemperature,
    RoomNameTaken,
    RoomNotFound,
    TemperatureOutOfRange,
)
from app.home.rooms import (
    EffectOrigin,
    add_room,
    get_room,
    list_rooms,
    remove_room,
    rename_room,
    set_room_bounds,
    set_room_temperature,
)

SEED_NAMES = ["bathroom", "bedroom", "home office", "kitchen", "living room"]


def exactly(message: str) -> str:
    """A pytest.raises pattern matching the whole message and nothing else."""
    return f"^{re.escape(message)}$"


async def room_names(sessions: SessionFactory) -> list[str]:
    async with sessions() as session:
        return [r.name for r in await list_rooms(session)]


# add_room


async def test_add_room_stores_the_normalized_name_and_bounds(sessions: SessionFactory) -> None:
    async with sessions() as session:
        added = await add_room(session, "  The Guest_Room ", "19.5", 10, "30 °C")
    async with sessions() as session:
        room = await get_room(session, "guest room")
    assert (room.id, room.name, room.celsius) == (added.id, "guest room", 19.5)
    assert (room.min_celsius, room.max_celsius) == (10, 30)


async def test_add_room_defaults_to_5_to_35(sessions: SessionFactory) -> None:
    async with sessions() as session:
        await add_room(session, "Room 2", 20)
    async with sessions() as session:
        room = await get_room(session, "room 2")
    assert (room.celsius, room.min_celsius, room.max_celsius) == (20, 5, 35)


async def test_add_room_accepts_a_40_character_name(sessions: SessionFactory) -> None:
    async with sessions() as session:
        await add_room(session, "a" * 40, 20)
    assert "a" * 40 in await room_names(sessions)


@pytest.mark.parametrize("name", ["", "   ", "The", "a" * 41, "kid's room", "room-2", "café!"])
async def test_add_room_refuses_bad_names(sessions: SessionFactory, name: str) -> None:
    async with sessions() as session:
        with pytest.raises(
            InvalidRoomName,
            match=exactly(
                f"Room name {name!r} is not allowed; use 1 to 40 letters, digits and spaces, "
                "such as 'guest room'."
            ),
        ):
            await add_room(session, name, 20)
    assert await room_names(sessions) == SEED_NAMES


async def test_add_room_refuses_a_taken_name(sessions: SessionFactory) -> None:
    async with sessions() as session:
        with pytest.raises(
            RoomNameTaken,
            match=exactly("There is already a room called 'kitchen'; choose another name."),
        ):
            await add_room(session, "The KITCHEN", 20)
    assert await room_names(sessions) == SEED_NAMES


async def test_add_room_refuses_a_temperature_outside_its_bounds(
    sessions: SessionFactory,
) -> None:
    async with sessions() as session:
        with pytest.raises(
            TemperatureOutOfRange,
            match=exactly("31 °C is outside the guest room's range; allowed: 10 to 30 °C."),
        ):
            await add_room(session, "guest room", 31, 10, 30)
    assert await room_names(sessions) == SEED_NAMES


async def test_add_room_refuses_a_non_numeric_temperature(sessions: SessionFactory) -> None:
    async with sessions() as session:
        with pytest.raises(
            InvalidTemperature,
            match=exactly(
                "Temperature 'warm' is not a number of degrees Celsius; "
                "send a finite number such as 19 or 20.5."
            ),
        ):
            await add_room(session, "guest room", "warm")


async def test_add_room_refuses_bad_bounds(sessions: SessionFactory) -> None:
    async with sessions() as session:
        with pytest.raises(
            InvalidBounds,
            match=exactly(
                "Bounds 30 to 10 °C are not allowed: the minimum must be below the maximum."
            ),
        ):
            await add_room(session, "guest room", 20, 30, 10)
    assert await room_names(sessions) == SEED_NAMES


# rename_room


async def test_rename_moves_the_room_to_its_new_name(sessions: SessionFactory) -> None:
    async with sessions() as session:
        await set_room_temperature(session, "kitchen", 19, EffectOrigin())
        await session.commit()
        renamed = await rename_room(session, "Kitchen", "The Cook_House")
    assert renamed.name == "cook house"
    async with sessions() as session:
        room = await get_room(session, "cook house")
        with pytest.raises(RoomNotFound):
            await get_room(session, "kitchen")
        effects = (await session.exec(select(Effect))).all()
    assert (room.id, room.celsius) == (renamed.id, 19)
    # The ledger records history: the change was made to the room called kitchen.
    assert [(e.room_id, e.room_name) for e in effects] == [(room.id, "kitchen")]


async def test_rename_to_the_same_name_is_a_no_op(sessions: SessionFactory) -> None:
    async with sessions() as session:
        room = await rename_room(session, "kitchen", "  The KITCHEN ")
    assert room.name == "kitchen"
    assert await room_names(sessions) == SEED_NAMES


async def test_rename_refuses_a_name_another_room_has(sessions: SessionFactory) -> None:
    async with sessions() as session:
        with pytest.raises(
            RoomNameTaken,
            match=exactly("There is already a room called 'bedroom'; choose another name."),
        ):
            await rename_room(session, "kitchen", "Bedroom")
    assert await room_names(sessions) == SEED_NAMES


async def test_rename_refuses_a_bad_name(sessions: SessionFactory) -> None:
    async with sessions() as session:
        with pytest.raises(
            InvalidRoomName,
            match=exactly(
                "Room name 'kitchen/2' is not allowed; use 1 to 40 letters, digits and spaces, "
                "such as 'guest room'."
            ),
        ):
            await rename_room(session, "kitchen", "kitchen/2")


async def test_rename_refuses_an_unknown_room(sessions: SessionFactory) -> None:
    async with sessions() as session:
        with pytest.raises(
            RoomNotFound,
            match=exactly(
                "Room 'attic' not found; known rooms: "
                "bathroom, bedroom, home office, kitchen, living room."
            ),
        ):
            await rename_room(session, "attic", "loft")


# remove_room


async def test_remove_room_keeps_its_effects_by_name(sessions: SessionFactory) -> None:
    async with sessions() as session:
        effect = await set_room_temperature(
            session, "kitchen", 19, EffectOrigin(source=EffectSource.admin)
        )
        await session.commit()
        await remove_room(session, "The Kitchen")
    async with sessions() as session:
        rooms = (await session.exec(select(Room))).all()
        kept = (await session.exec(select(Effect))).all()
    assert sorted(r.name for r in rooms) == [n for n in SEED_NAMES if n != "kitchen"]
    assert [(e.id, e.room_id, e.room_name, e.old_celsius, e.new_celsius) for e in kept] == [
        (effect.id, None, "kitchen", 22, 19)
    ]


async def test_remove_room_refuses_an_unknown_room(sessions: SessionFactory) -> None:
    async with sessions() as session:
        with pytest.raises(RoomNotFound, match=r"^Room 'attic' not found; known rooms: "):
            await remove_room(session, "attic")
    assert await room_names(sessions) == SEED_NAMES


# set_room_bounds


async def test_set_room_bounds_stores_them(sessions: SessionFactory) -> None:
    async with sessions() as session:
        room = await set_room_bounds(session, "Kitchen", "22", 30)
    assert (room.min_celsius, room.max_celsius) == (22, 30)
    async with sessions() as session:
        room = await get_room(session, "kitchen")
        assert (room.celsius, room.min_celsius, room.max_celsius) == (22, 22, 30)
        # The new bounds hold for later changes.
        with pytest.raises(TemperatureOutOfRange, match=r"allowed: 22 to 30 °C\.$"):
            await set_room_temperature(session, "kitchen", 21, EffectOrigin())


async def test_set_room_bounds_accepts_the_absolute_limits(sessions: SessionFactory) -> None:
    async with sessions() as session:
        await set_room_bounds(session, "kitchen", -10, 40)
    async with sessions() as session:
        room = await get_room(session, "kitchen")
    assert (room.min_celsius, room.max_celsius) == (-10, 40)


@pytest.mark.parametrize(
    ("low", "high", "message"),
    [
        (18, 18, "Bounds 18 to 18 °C are not allowed: the minimum must be below the maximum."),
        (25, 10, "Bounds 25 to 10 °C are not allowed: the minimum must be below the maximum."),
        (-11, 30, "Bounds -11 to 30 °C are not allowed: both must lie within -10 to 40 °C."),
        (5, 40.5, "Bounds 5 to 40.5 °C are not allowed: both must lie within -10 to 40 °C."),
        (
            50,
            45,
            "Bounds 50 to 45 °C are not allowed: the minimum must be below the maximum "
            "and both must lie within -10 to 40 °C.",
        ),
    ],
)
async def test_set_room_bounds_refuses_bad_ranges(
    sessions: SessionFactory, low: float, high: float, message: str
) -> None:
    async with sessions() as session:
        with pytest.raises(InvalidBounds, match=exactly(message)):
            await set_room_bounds(session, "kitchen", low, high)
    async with sessions() as session:
        room = await get_room(session, "kitchen")
    assert (room.min_celsius, room.max_celsius) == (5, 35)


@pytest.mark.parametrize(("low", "high"), [("cold", 30), (5, math.inf), (math.nan, 30)])
async def test_set_room_bounds_refuses_non_numbers(
    sessions: SessionFactory, low: object, high: object
) -> None:
    async with sessions() as session:
        with pytest.raises(
            InvalidTemperature, match=r"send a finite number such as 19 or 20\.5\.$"
        ):
            await set_room_bounds(session, "kitchen", low, high)


async def test_set_room_bounds_refuses_bounds_that_exclude_the_current_temperature(
    sessions: SessionFactory,
) -> None:
    async with sessions() as session:
        with pytest.raises(
            BoundsExcludeTemperature,
            match=exactly(
                "The kitchen is at 22 °C now, outside 5–18 °C; "
                "change its temperature first or choose bounds around it."
            ),
        ):
            await set_room_bounds(session, "kitchen", 5, 18)
    async with sessions() as session:
        room = await get_room(session, "kitchen")
    assert (room.celsius, room.min_celsius, room.max_celsius) == (22, 5, 35)


async def test_set_room_bounds_refuses_an_unknown_room(sessions: SessionFactory) -> None:
    async with sessions() as session:
        with pytest.raises(RoomNotFound, match=r"^Room 'attic' not found; known rooms: "):
            await set_room_bounds(session, "attic", 5, 30)
