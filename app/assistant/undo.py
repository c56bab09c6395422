"""Undo from a thread: the owner of a thread may undo the changes its runs made."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.models import Effect, Thread
from app.home.ledger import EffectNotFound, undo_effect
from app.home.rooms import EffectOrigin


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
