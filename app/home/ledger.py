"""The effect ledger: reading it (filtered, newest first, paged) and undoing an entry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.models import Effect, EffectSource
from app.home.errors import HomeError, format_celsius
from app.home.rooms import EffectOrigin, get_room, set_room_temperature


class EffectNotFound(HomeError):
    """An effect id that is not in the ledger."""

    def __init__(self, effect_id: int) -> None:
        self.effect_id = effect_id
        super().__init__(f"Change {effect_id} is not in the ledger.")


class UndoConflict(HomeError):
    """The room changed again after this effect, so undoing it would lose that change."""

    def __init__(self, effect: Effect, current_celsius: float) -> None:
        self.effect = effect
        self.current_celsius = current_celsius
        super().__init__(
            f"Not undone: the {effect.room_name} is at {format_celsius(current_celsius)} °C now, "
            f"not the {format_celsius(effect.new_celsius)} °C this change set; it has changed "
            "since. Set it directly instead."
        )


@dataclass(frozen=True)
class LedgerFilter:
    """Which effects to show; None means any."""

    room: str | None = None
    source: EffectSource | None = None
    thread_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None


async def list_effects(
    session: AsyncSession,
    where: LedgerFilter = LedgerFilter(),
    *,
    before_id: int | None = None,
    limit: int = 50,
) -> list[Effect]:
    """Effects newest first; page on with the last id shown as `before_id`."""
    query = select(Effect)
    if where.room is not None:
        query = query.where(Effect.room_name == (await get_room(session, where.room)).name)
    if where.source is not None:
        query = query.where(Effect.source == where.source)
    if where.thread_id is not None:
        query = query.where(Effect.thread_id == where.thread_id)
    if where.since is not None:
        query = query.where(col(Effect.created_at) >= where.since)
    if where.until is not None:
        query = query.where(col(Effect.created_at) < where.until)
    if before_id is not None:
        query = query.where(col(Effect.id) < before_id)
    query = query.order_by(col(Effect.id).desc()).limit(limit)
    return list((await session.exec(query)).all())


async def undo_effect(session: AsyncSession, effect_id: int, origin: EffectOrigin) -> Effect:
    """Restore the value an effect replaced, as a new `undo` effect; the caller commits."""
    effect = await session.get(Effect, effect_id)
    if effect is None:
        raise EffectNotFound(effect_id)
    room = await get_room(session, effect.room_name)
    if room.celsius != effect.new_celsius:
        raise UndoConflict(effect, room.celsius)
    undo = EffectOrigin(
        source=EffectSource.undo,
        user_id=origin.user_id,
        thread_id=origin.thread_id if origin.thread_id is not None else effect.thread_id,
        run_id=origin.run_id,
        tool_call_id=origin.tool_call_id,
        undoes_id=effect.id,
    )
    return await set_room_temperature(session, room.name, effect.old_celsius, undo)
