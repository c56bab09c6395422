"""The effect ledger: reading it (filtered, newest first, paged), its history, and undo."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.models import Effect, Thread, ToolCall, User
from app.db.statuses import EffectSource
from app.home.errors import HomeError
from app.home.rooms import (
    EffectOrigin,
    lock_room,
    normalize_room_name,
    set_room_temperature,
)
from app.home.temperatures import format_celsius


class EffectNotFound(HomeError):
    """An effect id that is not in the ledger."""

    def __init__(self, effect_id: int) -> None:
        self.effect_id = effect_id
        super().__init__(f"Change {effect_id} is not in the ledger.")


class AlreadyUndone(HomeError):
    """An effect that a later undo already reversed; undoing it twice is refused."""

    def __init__(self, effect_id: int, undone_by_id: int) -> None:
        self.effect_id = effect_id
        self.undone_by_id = undone_by_id
        super().__init__(f"Change {effect_id} was already undone (by change {undone_by_id}).")


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

    def facts(self) -> dict[str, object]:
        """The room, what it is at now, and what the change had set."""
        return {
            "problem": "undo_conflict",
            "room": self.effect.room_name,
            "celsius": self.current_celsius,
            "set_celsius": self.effect.new_celsius,
        }


class NothingToUndo(HomeError):
    """A thread with no change of its own left to undo."""

    def __init__(self) -> None:
        super().__init__(
            "There is no change in this thread to undo: every change made here was undone "
            "already, or none was made."
        )

    def facts(self) -> dict[str, object]:
        """Only the problem: there is nothing to name."""
        return {"problem": "nothing_to_undo"}


@dataclass(frozen=True)
class LedgerFilter:
    """Which effects to show; None means any."""

    room: str | None = None
    source: EffectSource | None = None
    thread_id: int | None = None
    user_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class LedgerRow:
    """One ledger entry as a view shows it, with who, where and what undid it."""

    id: int
    created_at: datetime
    username: str
    user_id: int | None
    thread_id: int | None
    thread_title: str
    tool_name: str
    room: str
    old_celsius: float
    new_celsius: float
    source: str
    undoes_id: int | None
    undone_by_id: int | None


def _filtered(query: Any, where: LedgerFilter, before_id: int | None, limit: int) -> Any:
    """`query` narrowed to the filter, newest first, one page long."""
    if where.room is not None:
        # By name, not by room: a removed room's history is still found.
        query = query.where(Effect.room_name == normalize_room_name(where.room))
    if where.source is not None:
        query = query.where(Effect.source == where.source)
    if where.thread_id is not None:
        query = query.where(Effect.thread_id == where.thread_id)
    if where.user_id is not None:
        query = query.where(Effect.user_id == where.user_id)
    if where.since is not None:
        query = query.where(col(Effect.created_at) >= where.since)
    if where.until is not None:
        query = query.where(col(Effect.created_at) < where.until)
    if before_id is not None:
        query = query.where(col(Effect.id) < before_id)
    return query.order_by(col(Effect.id).desc()).limit(limit)


async def list_effects(
    session: AsyncSession,
    where: LedgerFilter = LedgerFilter(),
    *,
    before_id: int | None = None,
    limit: int = 50,
) -> list[Effect]:
    """Effects newest first; page on with the last id shown as `before_id`."""
    return list((await session.exec(_filtered(select(Effect), where, before_id, limit))).all())


async def ledger_page(
    session: AsyncSession,
    where: LedgerFilter = LedgerFilter(),
    *,
    before_id: int | None = None,
    limit: int = 50,
) -> list[LedgerRow]:
    """Like `list_effects`, as view rows, in one query."""
    later = aliased(Effect)
    undone_by = select(func.min(later.id)).where(later.undoes_id == Effect.id).scalar_subquery()
    query = (
        select(Effect, User.username, Thread.title, ToolCall.name, undone_by)
        .outerjoin(User, col(User.id) == Effect.user_id)
        .outerjoin(Thread, col(Thread.id) == Effect.thread_id)
        .outerjoin(ToolCall, col(ToolCall.id) == Effect.tool_call_id)
    )
    rows = (await session.exec(_filtered(query, where, before_id, limit))).all()
    return [
        LedgerRow(
            id=effect.id or 0,
            created_at=effect.created_at,
            username=username or "",
            user_id=effect.user_id,
            thread_id=effect.thread_id,
            thread_title=title or "",
            tool_name=tool_name or "",
            room=effect.room_name,
            old_celsius=effect.old_celsius,
            new_celsius=effect.new_celsius,
            source=effect.source,
            undoes_id=effect.undoes_id,
            undone_by_id=undone_by_id,
        )
        for effect, username, title, tool_name, undone_by_id in rows
    ]


async def room_history(
    session: AsyncSession, room: str, limit: int = 200
) -> list[tuple[datetime, float]]:
    """A room's temperature over its newest `limit` effects, oldest first (even if removed)."""
    effects = list(reversed(await list_effects(session, LedgerFilter(room=room), limit=limit)))
    if not effects:
        return []
    first = effects[0]
    return [(first.created_at, first.old_celsius)] + [
        (e.created_at, e.new_celsius) for e in effects
    ]


async def undo_effect(session: AsyncSession, effect_id: int, origin: EffectOrigin) -> Effect:
    """Restore the value an effect replaced, as a new `undo` effect; the caller commits."""
    effect = await session.get(Effect, effect_id)
    if effect is None:
        raise EffectNotFound(effect_id)
    # Checked and undone under the room's lock: two Undos at once (or an Undo and a change)
    # take turns, so the second sees the first.
    room = await lock_room(session, effect.room_name)
    undone_by = (
        await session.exec(
            select(Effect.id).where(Effect.undoes_id == effect_id).order_by(col(Effect.id))
        )
    ).first()
    if undone_by is not None:
        raise AlreadyUndone(effect_id, undone_by)
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
