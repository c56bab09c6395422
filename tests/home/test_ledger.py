"""The ledger: newest first, filtered, paged; undo restores or explains the conflict."""

from __future__ import annotations

import pytest

from app.db.models import EffectSource
from app.db.session import SessionFactory
from app.home.ledger import (
    EffectNotFound,
    LedgerFilter,
    UndoConflict,
    list_effects,
    undo_effect,
)
from app.home.rooms import EffectOrigin, get_room, set_room_temperature


async def _set(session, room: str, celsius: float, source=EffectSource.assistant):
    effect = await set_room_temperature(session, room, celsius, EffectOrigin(source=source))
    await session.commit()
    return effect


async def test_newest_first_filtered_and_paged(sessions: SessionFactory) -> None:
    async with sessions() as session:
        await _set(session, "kitchen", 19)
        await _set(session, "bedroom", 18, EffectSource.admin)
        await _set(session, "kitchen", 20)
        everything = await list_effects(session)
        assert [(e.room_name, e.new_celsius) for e in everything] == [
            ("kitchen", 20),
            ("bedroom", 18),
            ("kitchen", 19),
        ]
        kitchen = await list_effects(session, LedgerFilter(room="Kitchen"))
        assert [e.new_celsius for e in kitchen] == [20, 19]
        admin = await list_effects(session, LedgerFilter(source=EffectSource.admin))
        assert [e.room_name for e in admin] == ["bedroom"]
        first_page = await list_effects(session, limit=2)
        second_page = await list_effects(session, before_id=first_page[-1].id, limit=2)
        assert [e.id for e in first_page + second_page] == [e.id for e in everything]


async def test_undo_restores_the_old_value_as_a_new_effect(sessions: SessionFactory) -> None:
    async with sessions() as session:
        change = await _set(session, "kitchen", 19)
        undo = await undo_effect(session, change.id or 0, EffectOrigin())
        await session.commit()
        assert (undo.source, undo.old_celsius, undo.new_celsius) == ("undo", 19, 22)
        assert (await get_room(session, "kitchen")).celsius == 22
        assert len(await list_effects(session)) == 2


async def test_undo_after_a_later_change_explains_the_conflict(sessions: SessionFactory) -> None:
    async with sessions() as session:
        change = await _set(session, "kitchen", 19)
        await _set(session, "kitchen", 21)
        with pytest.raises(UndoConflict) as caught:
            await undo_effect(session, change.id or 0, EffectOrigin())
        assert (await get_room(session, "kitchen")).celsius == 21
    assert str(caught.value) == (
        "Not undone: the kitchen is at 21 °C now, not the 19 °C this change set; "
        "it has changed since. Set it directly instead."
    )


async def test_undo_of_an_unknown_effect(sessions: SessionFactory) -> None:
    async with sessions() as session:
        with pytest.raises(EffectNotFound, match="Change 999 is not in the ledger"):
            await undo_effect(session, 999, EffectOrigin())
