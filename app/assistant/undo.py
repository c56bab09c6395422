"""Undo from a thread: the owner of a thread may undo the changes its runs made (a card's
Undo, or "undo that" said to the assistant: the thread's last change)."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.models import Effect, Thread
from app.db.statuses import EffectSource
from app.home.ledger import EffectNotFound, NothingToUndo, UndoConflict, undo_effect
from app.home.rooms import EffectOrigin, lock_room


async def undo_in_thread(session: AsyncSession, effect_id: int, user_id: int) -> Effect:
    """Undo a change made in one of this person's threads (committed); another person's
    change is reported as not found."""
    owned = (
        select(Effect.id)
        .join(Thread, col(Thread.id) == col(Effect.thread_id))
        .where(col(Effect.id) == effect_id, Thread.user_id == user_id)
    )
    if (await session.exec(owned)).first() is None:
        raise EffectNotFound(effect_id)
    undo = await undo_effect(session, effect_id, EffectOrigin(user_id=user_id))
    await session.commit()
    return undo


async def last_changes(session: AsyncSession, thread_id: int) -> list[Effect]:
    """The thread's newest changes still in place: every change the newest run that changed
    something made (an undo is not one), none undone yet; newest first."""
    undone = select(col(Effect.undoes_id)).where(col(Effect.undoes_id).is_not(None))
    standing = (
        select(Effect)
        .where(
            Effect.thread_id == thread_id,
            Effect.source != EffectSource.undo,
            col(Effect.id).not_in(undone),
        )
        .order_by(col(Effect.id).desc())
    )
    effects = list((await session.exec(standing)).all())
    if not effects:
        return []
    newest_run = effects[0].run_id
    return [e for e in effects if e.run_id == newest_run] if newest_run else effects[:1]


async def undo_last_change(
    session: AsyncSession, thread_id: int, origin: EffectOrigin
) -> list[Effect]:
    """Undo the thread's newest changes (`last_changes`) through the ledger's undo, all or
    none: a room changed since refuses the lot (UndoConflict); NothingToUndo if none is
    left. The caller commits; returns the undo effects, newest change first."""
    effects = await last_changes(session, thread_id)
    if not effects:
        raise NothingToUndo()
    # Checked under the rooms' locks before any is undone, so a refusal leaves none undone.
    # (A room changed twice by the run is checked against its newest change.)
    checked: set[str] = set()
    for effect in effects:
        if effect.room_name in checked:
            continue
        checked.add(effect.room_name)
        room = await lock_room(session, effect.room_name)
        if room.celsius != effect.new_celsius:
            raise UndoConflict(effect, room.celsius)
    return [await undo_effect(session, effect.id or 0, origin) for effect in effects]
