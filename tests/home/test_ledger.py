"""The ledger: newest first, filtered, paged; undo restores or explains the conflict."""

from __future__ import annotations

import asyncio

import pytest

from app.accounts.users import create_user
from app.db.models import Effect, Message, Run, Thread, ToolCall
from app.db.session import SessionFactory
from app.db.statuses import EffectSource, Role
from app.home.ledger import (
    AlreadyUndone,
    EffectNotFound,
    LedgerFilter,
    UndoConflict,
    ledger_page,
    list_effects,
    room_history,
    undo_effect,
)
from app.home.rooms import EffectOrigin, get_room, set_room_temperature


async def _set(
    session, room: str, celsius: float, source=EffectSource.assistant, **origin
) -> Effect:
    effect = await set_room_temperature(
        session, room, celsius, EffectOrigin(source=source, **origin)
    )
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


async def test_undoing_twice_names_the_undo(sessions: SessionFactory) -> None:
    async with sessions() as session:
        change = await _set(session, "kitchen", 19)
        undo = await undo_effect(session, change.id or 0, EffectOrigin())
        await session.commit()
        with pytest.raises(AlreadyUndone) as caught:
            await undo_effect(session, change.id or 0, EffectOrigin())
        assert (await get_room(session, "kitchen")).celsius == 22
    assert str(caught.value) == f"Change {change.id} was already undone (by change {undo.id})."


async def test_room_filter_finds_a_removed_rooms_history(sessions: SessionFactory) -> None:
    async with sessions() as session:
        change = await _set(session, "kitchen", 19)
        await _set(session, "bedroom", 18)
        change.room_id = None  # as if the kitchen had been removed
        await session.commit()
        kitchen = await list_effects(session, LedgerFilter(room="The Kitchen"))
        assert [e.id for e in kitchen] == [change.id]
        assert [r.id for r in await ledger_page(session, LedgerFilter(room="kitchen"))] == [
            change.id
        ]
        assert await list_effects(session, LedgerFilter(room="attic")) == []


async def test_ledger_page_joins_who_where_which_tool_and_what_undid_it(
    sessions: SessionFactory,
) -> None:
    async with sessions() as session:
        ada = await create_user(session, "ada", "kettle on the hob")
        bob = await create_user(session, "bob", "kettle on the hob")
        thread = Thread(user_id=ada.id, title="Kitchen plans")
        session.add(thread)
        await session.flush()
        run = Run(thread_id=thread.id or 0)
        session.add(run)
        await session.flush()
        reply = Message(thread_id=thread.id or 0, run_id=run.id, role=Role.assistant)
        session.add(reply)
        await session.flush()
        call = ToolCall(
            run_id=run.id or 0, message_id=reply.id or 0, call_id="c1", name="set_room_temperature"
        )
        session.add(call)
        await session.flush()
        by_tool = await _set(
            session,
            "kitchen",
            19,
            user_id=ada.id,
            thread_id=thread.id,
            run_id=run.id,
            tool_call_id=call.id,
        )
        by_admin = await _set(session, "bedroom", 18, EffectSource.admin, user_id=bob.id)
        undo = await undo_effect(session, by_tool.id or 0, EffectOrigin(user_id=bob.id))
        await session.commit()
        anonymous = await _set(session, "home office", 20)

        rows = await ledger_page(session)
        assert [
            (r.id, r.username, r.thread_title, r.tool_name, r.source, r.undoes_id, r.undone_by_id)
            for r in rows
        ] == [
            (anonymous.id, "", "", "", "assistant", None, None),
            (undo.id, "bob", "Kitchen plans", "", "undo", by_tool.id, None),
            (by_admin.id, "bob", "", "", "admin", None, None),
            (
                by_tool.id,
                "ada",
                "Kitchen plans",
                "set_room_temperature",
                "assistant",
                None,
                undo.id,
            ),
        ]
        oldest = rows[-1]
        assert (oldest.user_id, oldest.thread_id, oldest.room) == (ada.id, thread.id, "kitchen")
        assert (oldest.old_celsius, oldest.new_celsius) == (22, 19)
        assert oldest.created_at == by_tool.created_at

        bobs = await ledger_page(session, LedgerFilter(user_id=bob.id))
        assert [r.id for r in bobs] == [undo.id, by_admin.id]
        assert [e.id for e in await list_effects(session, LedgerFilter(user_id=ada.id))] == [
            by_tool.id
        ]
        page = await ledger_page(session, limit=3)
        rest = await ledger_page(session, before_id=page[-1].id, limit=3)
        assert [r.id for r in page + rest] == [r.id for r in rows]


async def test_room_history_is_the_temperature_over_time(sessions: SessionFactory) -> None:
    async with sessions() as session:
        assert await room_history(session, "kitchen") == []
        first = await _set(session, "kitchen", 19)
        await _set(session, "bedroom", 18)
        second = await _set(session, "kitchen", 20.5)
        third = await _set(session, "kitchen", 21)
        assert await room_history(session, "Kitchen") == [
            (first.created_at, 22),
            (first.created_at, 19),
            (second.created_at, 20.5),
            (third.created_at, 21),
        ]
        assert await room_history(session, "kitchen", limit=2) == [
            (second.created_at, 19),
            (second.created_at, 20.5),
            (third.created_at, 21),
        ]
        assert await room_history(session, "attic") == []


async def test_two_undos_at_once_undo_once(sessions: SessionFactory) -> None:
    """The owner in the chat and an admin on the board press Undo at the same moment."""
    async with sessions() as session:
        change = await _set(session, "kitchen", 19)

    async def press_undo() -> str:
        async with sessions() as session:
            try:
                await undo_effect(session, change.id or 0, EffectOrigin())
                await session.commit()
            except (AlreadyUndone, UndoConflict):
                return "refused"
        return "undone"

    outcomes = await asyncio.gather(press_undo(), press_undo(), press_undo())
    async with sessions() as session:
        undos = [e for e in await list_effects(session) if e.source == "undo"]
        assert (await get_room(session, "kitchen")).celsius == 22
    assert sorted(outcomes) == ["refused", "refused", "undone"]
    assert [(u.old_celsius, u.new_celsius) for u in undos] == [(19, 22)]
