"""Rooms and their temperatures; every change writes its Effect in the same transaction."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.models import Effect, EffectSource, Room, utcnow
from app.home.errors import (
    ConcurrentChange,
    InvalidTemperature,
    RoomNotFound,
    TemperatureOutOfRange,
)

logger = logging.getLogger(__name__)

_WRITE_ATTEMPTS = 3


@dataclass(frozen=True)
class EffectOrigin:
    """Who and what caused a change: copied onto its Effect row."""

    source: EffectSource = EffectSource.assistant
    user_id: int | None = None
    thread_id: int | None = None
    run_id: int | None = None
    tool_call_id: int | None = None
    undoes_id: int | None = None


def normalize_room_name(name: str) -> str:
    """'  The Living_Room ' -> 'living room': how room names are compared and stored."""
    words = name.replace("_", " ").lower().split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def parse_celsius(value: object) -> float:
    """A finite float from a number or numeric string; booleans, NaN and infinities refused."""
    if isinstance(value, bool):
        raise InvalidTemperature(value)
    if isinstance(value, str):
        try:
            value = float(value.strip().removesuffix("°C").removesuffix("°").strip())
        except ValueError:
            raise InvalidTemperature(value) from None
    if not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidTemperature(value)
    # Thermostats step in tenths; storing 19.000000001 would read back oddly.
    return round(float(value), 1)


async def list_rooms(session: AsyncSession) -> list[Room]:
    """Every room, by name."""
    return list((await session.exec(select(Room).order_by(col(Room.name)))).all())


async def get_room(session: AsyncSession, name: str) -> Room:
    """One room by name, matched case-insensitively."""
    key = normalize_room_name(name)
    room = (await session.exec(select(Room).where(Room.name == key))).first()
    if room is None:
        raise RoomNotFound(name, [r.name for r in await list_rooms(session)])
    return room


async def set_room_temperature(
    session: AsyncSession, name: str, celsius: object, origin: EffectOrigin
) -> Effect:
    """Set a room's temperature and record the Effect; the caller commits both at once."""
    target = parse_celsius(celsius)
    for _ in range(_WRITE_ATTEMPTS):
        room = await get_room(session, name)
        if not room.min_celsius <= target <= room.max_celsius:
            raise TemperatureOutOfRange(room.name, target, room.min_celsius, room.max_celsius)
        old = room.celsius
        # Compare-and-set: the Effect's old value must be the value this write replaced.
        result = await session.exec(
            update(Room)
            .where(col(Room.id) == room.id, col(Room.celsius) == old)
            .values(celsius=target, updated_at=utcnow())
        )
        if result.rowcount == 1:
            effect = Effect(
                room_id=room.id,
                room_name=room.name,
                old_celsius=old,
                new_celsius=target,
                source=origin.source,
                user_id=origin.user_id,
                undoes_id=origin.undoes_id,
                thread_id=origin.thread_id,
                run_id=origin.run_id,
                tool_call_id=origin.tool_call_id,
            )
            session.add(effect)
            await session.flush()
            await session.refresh(room)
            logger.debug("Room %s: %s -> %s", room.name, old, target)
            return effect
        session.expire(room)
    raise ConcurrentChange(normalize_room_name(name))
