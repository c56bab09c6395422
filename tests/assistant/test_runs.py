"""Runs in the database: stop requests and crash recovery (expiry of silent runs)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlmodel import select

from app.assistant.errors import RunAlreadyActive
from app.assistant.runs import create_run, expire_stale_runs, request_stop, run_status
from app.db.models import Message, Run, ToolCall, utcnow
from app.db.session import SessionFactory
from app.db.statuses import RunStatus
from tests.support.people import owned_thread, person


async def _run(sessions: SessionFactory) -> tuple[int, int]:
    async with sessions() as session:
        thread = await owned_thread(session)
        run, _, assistant = await create_run(
            session, thread.id or 0, thread.user_id or 0, "hi", max_steps=8, provider="test"
        )
        session.add(
            ToolCall(run_id=run.id or 0, message_id=assistant.id or 0, call_id="c", name="x")
        )
        await session.commit()
    return run.id or 0, assistant.id or 0


async def _age(sessions: SessionFactory, run_id: int, seconds: float) -> None:
    async with sessions() as session:
        run = await session.get(Run, run_id)
        assert run is not None
        run.status = RunStatus.in_progress
        run.heartbeat_at = utcnow() - timedelta(seconds=seconds)
        await session.commit()


async def test_a_silent_run_expires_and_keeps_its_message(sessions: SessionFactory) -> None:
    run_id, message_id = await _run(sessions)
    await _age(sessions, run_id, 120)
    async with sessions() as session:
        assert await expire_stale_runs(session, timedelta(seconds=60)) == [run_id]
    async with sessions() as session:
        run = await session.get(Run, run_id)
        message = await session.get(Message, message_id)
        calls = (await session.exec(ToolCall.__table__.select())).all()
    assert run is not None and run.status == "expired" and run.ended_at is not None
    assert run.error == "The worker running this reply stopped; the text so far was kept."
    assert message is not None and message.status == "incomplete"
    assert [c.status for c in calls] == ["cancelled"]


async def test_a_beating_run_is_left_alone(sessions: SessionFactory) -> None:
    run_id, _ = await _run(sessions)
    await _age(sessions, run_id, 5)
    async with sessions() as session:
        assert await expire_stale_runs(session, timedelta(seconds=60)) == []
        assert await run_status(session, run_id) == "in_progress"


async def test_stop_marks_cancelling_only_while_the_run_is_going(sessions: SessionFactory) -> None:
    run_id, _ = await _run(sessions)
    async with sessions() as session:
        assert await request_stop(session, run_id, await person(session))
        assert await run_status(session, run_id) == "cancelling"
        run = await session.get(Run, run_id)
        assert run is not None
        run.status = RunStatus.completed
        await session.commit()
        assert not await request_stop(session, run_id, await person(session))
        assert await run_status(session, run_id) == "completed"


async def test_only_the_owner_can_stop_a_run(sessions: SessionFactory) -> None:
    run_id, _ = await _run(sessions)
    async with sessions() as session:
        assert not await request_stop(session, run_id, await person(session, "mallory"))
        assert await run_status(session, run_id) == "queued"
        assert await request_stop(session, run_id, await person(session))


async def test_racing_starts_make_exactly_one_run_and_one_user_message(
    sessions: SessionFactory,
) -> None:
    """Eight requests start a reply in one thread at the same moment: the database lets one in."""
    async with sessions() as session:
        thread = await owned_thread(session)
    thread_id, user_id = thread.id or 0, thread.user_id or 0

    async def start(n: int) -> str:
        async with sessions() as session:
            try:
                await create_run(
                    session,
                    thread_id,
                    user_id,
                    f"set the kitchen to {18 + n}",
                    max_steps=8,
                    provider="test",
                )
            except RunAlreadyActive:
                return "refused"
        return "started"

    outcomes = await asyncio.gather(*(start(n) for n in range(8)))
    async with sessions() as session:
        runs = (await session.exec(select(Run).where(Run.thread_id == thread_id))).all()
        asked = (
            await session.exec(
                select(Message).where(Message.thread_id == thread_id, Message.role == "user")
            )
        ).all()
    assert sorted(outcomes) == ["refused"] * 7 + ["started"]
    assert len(runs) == 1 and len(asked) == 1
    assert asked[0].run_id == runs[0].id


async def test_a_new_run_may_start_once_the_last_one_ended(sessions: SessionFactory) -> None:
    run_id, _ = await _run(sessions)
    async with sessions() as session:
        run = await session.get(Run, run_id)
        assert run is not None
        thread_id = run.thread_id
        with pytest.raises(RunAlreadyActive):
            await create_run(
                session, thread_id, await person(session), "again", max_steps=8, provider="test"
            )
    async with sessions() as session:
        run = await session.get(Run, run_id)
        assert run is not None
        run.status = RunStatus.completed
        await session.commit()
        again, _, _ = await create_run(
            session, thread_id, await person(session), "again", max_steps=8, provider="test"
        )
    assert again.id != run_id
