"""Rooms, temperatures and the Effect written with every change."""

from __future__ import annotations

import asyncio
import itertools
import math

import pytest
from sqlmodel import col, select

from app.db.models import Effect, Room
from app.db.session import SessionFactory, create_engine_async, create_session_factory
from app.db.statuses import EffectSource
from app.home.errors import InvalidTemperature, NoChange, RoomNotFound, TemperatureOutOfRange
from app.home.rooms import (
    EffectOrigin,
    get_room,
    list_rooms,
    normalize_room_name,
    set_room_temperature,
)

SEED = {"bathroom": 23, "bedroom": 20, "home office": 21, "kitchen": 22, "living room": 21}


async def test_seed_rooms_exist_after_first_migration(sessions: SessionFactory) -> None:
    async with sessions() as session:
        rooms = await list_rooms(session)
    assert {r.name: r.celsius for r in rooms} == SEED
    assert all((r.min_celsius, r.max_celsius) == (5, 35) for r in rooms)


@pytest.mark.parametrize("name", ["Kitchen", "KITCHEN", "  the kitchen ", "kitchen"])
async def test_room_names_match_case_insensitively(sessions: SessionFactory, name: str) -> None:
    async with sessions() as session:
        assert (await get_room(session, name)).name == "kitchen"


def test_normalize_room_name_folds_underscores_and_articles() -> None:
    assert normalize_room_name("The Living_Room") == "living room"


async def test_unknown_room_lists_the_known_ones(sessions: SessionFactory) -> None:
    async with sessions() as session:
        with pytest.raises(RoomNotFound) as caught:
            await get_room(session, "attic")
    assert str(caught.value) == (
        "Room 'attic' not found; known rooms: bathroom, bedroom, home office, kitchen, living room."
    )


async def test_set_writes_the_change_and_its_effect_together(sessions: SessionFactory) -> None:
    async with sessions() as session:
        effect = await set_room_temperature(
            session, "Kitchen", 19, EffectOrigin(source=EffectSource.assistant)
        )
        await session.commit()
    async with sessions() as session:
        room = await get_room(session, "kitchen")
        effects = (await session.exec(select(Effect))).all()
    assert room.celsius == 19
    assert [(e.room_name, e.old_celsius, e.new_celsius) for e in effects] == [("kitchen", 22, 19)]
    assert effects[0].id == effect.id


async def test_rollback_discards_both_the_change_and_the_effect(sessions: SessionFactory) -> None:
    async with sessions() as session:
        await set_room_temperature(session, "kitchen", 19, EffectOrigin())
        await session.rollback()
    async with sessions() as session:
        assert (await get_room(session, "kitchen")).celsius == 22
        assert (await session.exec(select(Effect))).all() == []


@pytest.mark.parametrize(
    "value", [True, False, math.nan, math.inf, -math.inf, "warm", None, [20], "nan"]
)
async def test_non_numeric_temperatures_are_refused(
    sessions: SessionFactory, value: object
) -> None:
    async with sessions() as session:
        with pytest.raises(InvalidTemperature) as caught:
            await set_room_temperature(session, "kitchen", value, EffectOrigin())
    assert "finite number" in str(caught.value)


@pytest.mark.parametrize("value", [4.9, 35.1, -10, 100])
async def test_out_of_bounds_temperatures_name_the_range(
    sessions: SessionFactory, value: float
) -> None:
    async with sessions() as session:
        with pytest.raises(TemperatureOutOfRange) as caught:
            await set_room_temperature(session, "kitchen", value, EffectOrigin())
        assert (await session.exec(select(Effect))).all() == []
    assert "allowed: 5 to 35 °C" in str(caught.value)


async def test_numeric_strings_and_bounds_are_accepted(sessions: SessionFactory) -> None:
    async with sessions() as session:
        await set_room_temperature(session, "bedroom", "20.5", EffectOrigin())
        await set_room_temperature(session, "bedroom", 5, EffectOrigin())
        await set_room_temperature(session, "bedroom", 35.0, EffectOrigin())
        await session.commit()
        rows = (await session.exec(select(Effect).order_by(Effect.id))).all()
        room = (await session.exec(select(Room).where(Room.name == "bedroom"))).one()
    assert [(e.old_celsius, e.new_celsius) for e in rows] == [(20, 20.5), (20.5, 5), (5, 35)]
    assert room.celsius == 35


async def test_setting_the_temperature_a_room_has_records_nothing(
    sessions: SessionFactory,
) -> None:
    """The ledger holds changes only: "changed from 22 to 22" would be a false card."""
    origin = EffectOrigin(source=EffectSource.assistant)
    async with sessions() as session:
        with pytest.raises(NoChange, match=r"The kitchen is already at 22 °C; nothing changed\."):
            await set_room_temperature(session, "Kitchen", "22.0", origin)
        await session.commit()
        assert (await session.exec(select(Effect))).all() == []


async def test_many_sets_of_one_room_at_once_all_apply_in_one_chain(
    database_url: str, sessions: SessionFactory
) -> None:
    """Sixty people (through three engines, as three workers would) set the kitchen at the
    same moment: each set is applied (none refused as a concurrent change), and the ledger
    reads as one chain, each old value the previous new one, ending at the room's value."""
    values = [round(5.1 + 0.4 * n, 1) for n in range(60)]
    engines = [create_engine_async(database_url) for _ in range(3)]
    workers = [create_session_factory(engine) for engine in engines]

    async def set_to(n: int, celsius: float) -> None:
        async with workers[n % 3]() as session:
            await set_room_temperature(
                session, "kitchen", celsius, EffectOrigin(source=EffectSource.assistant)
            )
            await session.commit()

    try:
        await asyncio.gather(*(set_to(n, v) for n, v in enumerate(values)))
    finally:
        for engine in engines:
            await engine.dispose()
    async with sessions() as session:
        effects = (await session.exec(select(Effect).order_by(col(Effect.id)))).all()
        kitchen = await get_room(session, "kitchen")
    assert sorted(e.new_celsius for e in effects) == values
    assert effects[0].old_celsius == 22
    for before, after in itertools.pairwise(effects):
        assert after.old_celsius == before.new_celsius
    assert kitchen.celsius == effects[-1].new_celsius
