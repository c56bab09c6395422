"""Rooms and their temperatures; every temperature change writes its Effect in the same transaction.

Room administration (add, rename, remove, bounds) commits itself; setting a temperature does not.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.changes import HOME_TOPIC, Change, note_change
from app.db.models import Effect, Room, utcnow
from app.db.statuses import EffectSource
from app.home.errors import (
    BoundsExcludeTemperature,
    InvalidBounds,
    InvalidRoomName,
    InvalidTemperature,
    NoChange,
    RoomNameTaken,
    RoomNotFound,
    TemperatureOutOfRange,
)

logger = logging.getLogger(__name__)

# No room's bounds may reach past these, whatever an admin asks for.
ABS_MIN_CELSIUS = -10.0
ABS_MAX_CELSIUS = 40.0
ROOM_NAME_MAX_CHARS = 40


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


async def lock_room(session: AsyncSession, name: str) -> Room:
    """The room as committed now, locked until the caller's transaction ends: Postgres locks
    its row, SQLite takes its one write lock. Writers of one room so take turns instead of
    racing (what each reads is what it replaces)."""
    key = normalize_room_name(name)
    await session.exec(update(Room).where(col(Room.name) == key).values(celsius=Room.celsius))
    query = select(Room).where(Room.name == key).execution_options(populate_existing=True)
    room = (await session.exec(query)).first()
    if room is None:
        raise RoomNotFound(name, [r.name for r in await list_rooms(session)])
    return room


async def set_room_temperature(
    session: AsyncSession, name: str, celsius: object, origin: EffectOrigin
) -> Effect:
    """Set a room's temperature and record the Effect; the caller commits both at once.
    NoChange if the room is already there: the ledger holds only real changes."""
    target = parse_celsius(celsius)
    room = await lock_room(session, name)
    if not room.min_celsius <= target <= room.max_celsius:
        raise TemperatureOutOfRange(room.name, target, room.min_celsius, room.max_celsius)
    old = room.celsius
    if old == target:
        raise NoChange(room.name, target)
    room.celsius, room.updated_at = target, utcnow()
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
    session.add_all([room, effect])
    await session.flush()
    note_change(session, Change(HOME_TOPIC, run_id=origin.run_id or 0, room=room.name))
    logger.debug("Room %s: %s -> %s", room.name, old, target)
    return effect


def parse_room_name(name: str) -> str:
    """The normalized name, if it is 1-40 letters, digits and spaces; InvalidRoomName otherwise."""
    key = normalize_room_name(name)
    if not 1 <= len(key) <= ROOM_NAME_MAX_CHARS or not all(
        c.isalpha() or c.isdecimal() or c == " " for c in key
    ):
        raise InvalidRoomName(name, ROOM_NAME_MAX_CHARS)
    return key


def parse_bounds(min_celsius: object, max_celsius: object) -> tuple[float, float]:
    """(min, max) as finite floats, min below max, both within ABS_MIN/ABS_MAX_CELSIUS."""
    low, high = parse_celsius(min_celsius), parse_celsius(max_celsius)
    if not ABS_MIN_CELSIUS <= low < high <= ABS_MAX_CELSIUS:
        raise InvalidBounds(low, high, ABS_MIN_CELSIUS, ABS_MAX_CELSIUS)
    return low, high


async def _ensure_name_free(session: AsyncSession, key: str, room_id: int | None = None) -> None:
    other = (await session.exec(select(Room).where(Room.name == key))).first()
    if other is not None and other.id != room_id:
        raise RoomNameTaken(key)


async def _commit_name(session: AsyncSession, key: str) -> None:
    # The unique index is the last word if another writer took the name since the check.
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        raise RoomNameTaken(key) from None


async def add_room(
    session: AsyncSession,
    name: str,
    celsius: object,
    min_celsius: object = 5,
    max_celsius: object = 35,
) -> Room:
    """Create a room at a temperature within its bounds; commits."""
    key = parse_room_name(name)
    low, high = parse_bounds(min_celsius, max_celsius)
    target = parse_celsius(celsius)
    if not low <= target <= high:
        raise TemperatureOutOfRange(key, target, low, high)
    await _ensure_name_free(session, key)
    room = Room(name=key, celsius=target, min_celsius=low, max_celsius=high)
    session.add(room)
    note_change(session, Change(HOME_TOPIC, room=key))
    await _commit_name(session, key)
    logger.info("Room %s added at %s", key, target)
    return room


async def rename_room(session: AsyncSession, name: str, new_name: str) -> Room:
    """Rename a room; past Effects keep the name it had then. Commits."""
    key = parse_room_name(new_name)
    room = await get_room(session, name)
    if room.name == key:
        return room
    await _ensure_name_free(session, key, room.id)
    old = room.name
    room.name = key
    room.updated_at = utcnow()
    session.add(room)
    note_change(session, Change(HOME_TOPIC, room=old, gone=True))
    note_change(session, Change(HOME_TOPIC, room=key))
    await _commit_name(session, key)
    logger.info("Room %s renamed to %s", old, key)
    return room


async def remove_room(session: AsyncSession, name: str) -> None:
    """Delete a room; its Effects stay in the ledger by name, with room_id null. Commits."""
    room = await get_room(session, name)
    await session.exec(update(Effect).where(col(Effect.room_id) == room.id).values(room_id=None))
    removed = room.name
    await session.delete(room)
    note_change(session, Change(HOME_TOPIC, room=removed, gone=True))
    await session.commit()
    logger.info("Room %s removed", removed)


async def set_room_bounds(
    session: AsyncSession, name: str, min_celsius: object, max_celsius: object
) -> Room:
    """Change a room's allowed range; its current temperature must stay inside. Commits."""
    low, high = parse_bounds(min_celsius, max_celsius)
    room = await get_room(session, name)
    # Compare-and-set on celsius, so a temperature change in between cannot slip outside.
    result = await session.exec(
        update(Room)
        .where(col(Room.id) == room.id, col(Room.celsius) >= low, col(Room.celsius) <= high)
        .values(min_celsius=low, max_celsius=high, updated_at=utcnow())
    )
    if result.rowcount != 1:
        await session.refresh(room)
        raise BoundsExcludeTemperature(room.name, room.celsius, low, high)
    note_change(session, Change(HOME_TOPIC, room=room.name))
    await session.commit()
    await session.refresh(room)
    logger.info("Room %s bounds set to %s-%s", room.name, low, high)
    return room
