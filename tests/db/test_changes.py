"""Changes are told when their transaction commits, and never when it rolls back; every writer
of the home and of threads notes what it changed (on the test's real database)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from app.assistant.runs import create_run
from app.assistant.threads import create_thread, delete_thread, rename_thread
from app.db.changes import HOME_TOPIC, Change, note_change, thread_topic, threads_topic
from app.db.session import SessionFactory, create_engine_async, create_session_factory
from app.db.statuses import EffectSource
from app.home.errors import TemperatureOutOfRange
from app.home.rooms import EffectOrigin, add_room, remove_room, set_room_temperature
from tests.support.people import person


@pytest.fixture
async def told(database_url: str) -> AsyncIterator[tuple[SessionFactory, list[Change]]]:
    """Sessions on the test's database, and every change they told, in order."""
    changes: list[Change] = []
    engine = create_engine_async(database_url)
    yield create_session_factory(engine, changes.append), changes
    await engine.dispose()


ADMIN = EffectOrigin(source=EffectSource.admin)


async def test_a_change_is_told_once_its_transaction_commits(told) -> None:
    sessions, changes = told
    async with sessions() as session:
        await set_room_temperature(session, "kitchen", 19, ADMIN)
        assert changes == [], "told before the commit"
        await session.commit()
    assert changes == [Change(HOME_TOPIC, room="kitchen")]


async def test_a_rolled_back_change_is_never_told(told) -> None:
    sessions, changes = told
    async with sessions() as session:
        await set_room_temperature(session, "kitchen", 19, ADMIN)
        await session.rollback()
        # The next transaction of the same session tells only its own.
        await set_room_temperature(session, "bedroom", 18, ADMIN)
        await session.commit()
    async with sessions() as session:
        with pytest.raises(TemperatureOutOfRange):
            await set_room_temperature(session, "kitchen", 90, ADMIN)
        note_change(session, Change("never"))
    assert changes == [Change(HOME_TOPIC, room="bedroom")]


async def test_rooms_added_and_removed_are_told(told) -> None:
    sessions, changes = told
    async with sessions() as session:
        await add_room(session, "attic", 12)
        await remove_room(session, "attic")
    assert changes == [
        Change(HOME_TOPIC, room="attic"),
        Change(HOME_TOPIC, room="attic", gone=True),
    ]


async def test_a_new_run_is_told_to_its_thread_and_its_owners_list(told) -> None:
    sessions, changes = told
    async with sessions() as session:
        user_id = await person(session)
        thread = await create_thread(session, user_id)
        changes.clear()
        run, _question, _reply = await create_run(
            session, thread.id, user_id, "hello", max_steps=4, provider="offline"
        )
    assert changes == [
        Change(thread_topic(thread.id), run_id=run.id),
        Change(threads_topic(user_id)),
    ]


async def test_renames_and_deletes_are_told_to_the_owners_list(told) -> None:
    sessions, changes = told
    async with sessions() as session:
        user_id = await person(session)
        thread = await create_thread(session, user_id)
        await rename_thread(session, thread.id, user_id, "Heating")
        await delete_thread(session, thread.id, user_id)
    mine = Change(threads_topic(user_id))
    assert changes == [mine, mine, mine, Change(thread_topic(thread.id), gone=True)]
