"""The tables as the migrations make them: the rules the database itself enforces (one live
run per thread, unique names), and values that read back as they were written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import IntegrityError, StatementError
from sqlmodel import select

from app.db.models import Feedback, Message, Run, Thread, User, utcnow
from app.db.session import SessionFactory
from app.db.statuses import LIVE_RUN_STATUSES, TERMINAL_RUN_STATUSES, Role, RunStatus
from tests.support.people import owned_thread, person


async def _refused(sessions: SessionFactory, *rows: object) -> bool:
    """Whether the database refuses to store these rows together."""
    async with sessions() as session:
        session.add_all(rows)
        try:
            await session.commit()
        except IntegrityError:
            return True
    return False


async def _thread(sessions: SessionFactory, username: str = "owner") -> tuple[int, int]:
    async with sessions() as session:
        user_id = await person(session, username)
        thread = Thread(user_id=user_id)
        session.add(thread)
        await session.commit()
    return thread.id or 0, user_id


def test_utcnow_is_aware_utc() -> None:
    now = utcnow()
    assert now.utcoffset() == timedelta(0)
    assert abs(now - datetime.now(UTC)) < timedelta(seconds=5)


@pytest.mark.parametrize("live", LIVE_RUN_STATUSES)
async def test_a_thread_holds_one_live_run_at_a_time(sessions: SessionFactory, live: str) -> None:
    thread_id, _ = await _thread(sessions)
    assert not await _refused(sessions, Run(thread_id=thread_id, status=live))
    assert await _refused(sessions, Run(thread_id=thread_id, status=RunStatus.queued))
    other_thread, _ = await _thread(sessions)
    assert not await _refused(sessions, Run(thread_id=other_thread, status=RunStatus.queued))


async def test_ended_runs_do_not_count_as_live(sessions: SessionFactory) -> None:
    thread_id, _ = await _thread(sessions)
    ended = [Run(thread_id=thread_id, status=status) for status in TERMINAL_RUN_STATUSES]
    assert not await _refused(sessions, *ended, Run(thread_id=thread_id))


async def test_names_that_must_be_unique_are(sessions: SessionFactory) -> None:
    thread_id, user_id = await _thread(sessions)
    _, other_id = await _thread(sessions, "other")
    assert await _refused(sessions, User(username="owner", password_hash="!"))
    # A client's thread id names one thread of that person; others may use it too.
    assert not await _refused(sessions, Thread(user_id=user_id, client_id="abc"))
    assert await _refused(sessions, Thread(user_id=user_id, client_id="abc"))
    assert not await _refused(sessions, Thread(user_id=other_id, client_id="abc"))
    # Threads without a client id are not the same thread.
    assert not await _refused(sessions, Thread(user_id=user_id), Thread(user_id=user_id))
    async with sessions() as session:
        reply = Message(thread_id=thread_id, role=Role.assistant)
        session.add(reply)
        await session.commit()
    rating = {"message_id": reply.id, "user_id": user_id}
    assert not await _refused(sessions, Feedback(**rating, rating="up"))
    assert await _refused(sessions, Feedback(**rating, rating="down"))


async def test_rows_must_point_at_rows_that_exist(sessions: SessionFactory) -> None:
    assert await _refused(sessions, Run(thread_id=999_999))


async def test_times_read_back_as_the_same_instant_in_utc(sessions: SessionFactory) -> None:
    written = datetime(2026, 3, 29, 1, 30, tzinfo=timezone(timedelta(hours=-5)))
    async with sessions() as session:
        thread = await owned_thread(session)
        thread.deleted_at = written
        session.add(thread)
        await session.commit()
    async with sessions() as session:
        read = (await session.exec(select(Thread).where(Thread.id == thread.id))).one()
    assert read.deleted_at == written and read.deleted_at.utcoffset() == timedelta(0)
    assert read.created_at.utcoffset() == timedelta(0)


async def test_naive_times_are_refused(sessions: SessionFactory) -> None:
    async with sessions() as session:
        thread = await owned_thread(session)
        thread.deleted_at = datetime(2026, 3, 29, 1, 30)
        session.add(thread)
        with pytest.raises(StatementError):
            await session.commit()


async def test_message_parts_read_back_as_written(sessions: SessionFactory) -> None:
    parts = [
        {"type": "text", "text": "Die Küche hat 19 °C 🔥"},
        {"type": "tool-call", "callId": "c1", "args": {"room": "kitchen", "celsius": 19.5}},
    ]
    thread_id, _ = await _thread(sessions)
    async with sessions() as session:
        message = Message(thread_id=thread_id, role=Role.user, parts=parts)
        session.add(message)
        await session.commit()
    async with sessions() as session:
        read = (await session.exec(select(Message).where(Message.id == message.id))).one()
    assert read.parts == parts
