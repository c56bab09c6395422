"""Undo from a thread: its owner undoes what its runs changed; anyone else's change is not
found, whoever asks."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from app.assistant.undo import undo_in_thread
from app.db.models import Effect
from app.db.session import SessionFactory
from app.db.statuses import EffectSource
from app.home.ledger import EffectNotFound
from app.home.rooms import EffectOrigin, get_room, set_room_temperature
from tests.support.people import owned_thread, person


async def _change(sessions: SessionFactory, origin: EffectOrigin) -> int:
    """The id of a committed change of the kitchen from 22 to 19."""
    async with sessions() as session:
        effect = await set_room_temperature(session, "kitchen", 19, origin)
        await session.commit()
    return effect.id or 0


async def _in_owned_thread(sessions: SessionFactory) -> tuple[int, int, int]:
    """A change made in the owner's thread: (effect id, owner id, thread id)."""
    async with sessions() as session:
        thread = await owned_thread(session)
    owner, thread_id = thread.user_id or 0, thread.id or 0
    origin = EffectOrigin(source=EffectSource.assistant, user_id=owner, thread_id=thread_id)
    return await _change(sessions, origin), owner, thread_id


async def _ledger(sessions: SessionFactory) -> list[tuple[str, float, float]]:
    async with sessions() as session:
        effects = (await session.exec(select(Effect).order_by(col(Effect.id)))).all()
        kitchen = await get_room(session, "kitchen")
    return [(e.source, e.old_celsius, e.new_celsius) for e in effects] + [
        ("now", kitchen.celsius, kitchen.celsius)
    ]


async def test_the_owner_undoes_a_change_of_their_thread(sessions: SessionFactory) -> None:
    effect_id, owner, thread_id = await _in_owned_thread(sessions)
    async with sessions() as session:
        undo = await undo_in_thread(session, effect_id, owner)
    assert (undo.source, undo.undoes_id, undo.user_id, undo.thread_id) == (
        "undo",
        effect_id,
        owner,
        thread_id,
    )
    # Committed: another session sees the room restored and both effects.
    assert await _ledger(sessions) == [("assistant", 22, 19), ("undo", 19, 22), ("now", 22, 22)]


async def test_another_persons_change_is_not_found(sessions: SessionFactory) -> None:
    effect_id, _, _ = await _in_owned_thread(sessions)
    async with sessions() as session:
        mallory = await person(session, "mallory")
        with pytest.raises(EffectNotFound, match=rf"^Change {effect_id} is not in the ledger\.$"):
            await undo_in_thread(session, effect_id, mallory)
    assert await _ledger(sessions) == [("assistant", 22, 19), ("now", 19, 19)]


async def test_a_change_made_outside_any_thread_is_not_found(sessions: SessionFactory) -> None:
    async with sessions() as session:
        admin = await person(session, "root")
    effect_id = await _change(sessions, EffectOrigin(source=EffectSource.admin, user_id=admin))
    async with sessions() as session:
        with pytest.raises(EffectNotFound):
            await undo_in_thread(session, effect_id, admin)
        with pytest.raises(EffectNotFound, match="Change 999 is not in the ledger"):
            await undo_in_thread(session, 999, admin)
    assert await _ledger(sessions) == [("admin", 22, 19), ("now", 19, 19)]
