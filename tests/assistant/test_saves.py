"""Saves while runs stream go together: one statement per round for every run of the
process, each run's text whole at its end and its heart beating."""

from __future__ import annotations

import asyncio

from sqlalchemy import event, text
from sqlmodel import col, select

from app.assistant.events import RunFinished, TextDelta
from app.assistant.recorder import RunRecorder
from app.assistant.saves import SaveRounds
from app.db.models import Message, Run
from app.db.session import SessionFactory
from app.db.statuses import RunStatus
from tests.assistant.test_runs import _run
from tests.fakes.scripted_provider import ScriptedProvider, text_turn
from tests.support.assistant import build_runner
from tests.support.people import owned_thread

RUNS = 12
CHUNKS = 40


def _count_statements(sessions: SessionFactory, prefix: str) -> list[int]:
    """How many times a statement starting with `prefix` reached the database, and how many
    rows they carried (a list, so the listener can add to it): an executemany counts once, with
    a row for each of its parameter sets."""
    seen = [0, 0]

    def count(_conn, _cursor, statement: str, parameters, _context, executemany: bool) -> None:
        if statement.lstrip().upper().startswith(prefix):
            seen[0] += 1
            seen[1] += len(parameters) if executemany else 1

    event.listen(sessions.kw["bind"].sync_engine, "before_cursor_execute", count)
    return seen


async def test_runs_streaming_at_once_save_their_text_together(sessions: SessionFactory) -> None:
    chunks = [f"{i:03d} " for i in range(CHUNKS)]
    provider = ScriptedProvider([text_turn(*chunks)] * RUNS, delay_s=0.01)
    runner = build_runner(sessions, provider, save_text_within_s=0.03, checkpoint_interval_s=0.1)
    async with sessions() as session:
        threads = [await owned_thread(session) for _ in range(RUNS)]
    updates = _count_statements(sessions, "UPDATE MESSAGE")
    runs = [await runner.start_run(t.id or 0, "go", user_id=t.user_id or 0) for t in threads]
    await asyncio.gather(*(run.finished() for run in runs))
    await runner.idle()
    # Alone, each run would save its text about a dozen times (0.4 s of streaming, saved
    # within 0.03 s) and write its end once, a statement for each row: the old code wrote 93 to
    # 109 statements, one row each. Together, a round writes them all. On a busy machine the
    # runs stream longer and save more often, so what is held is the rows each statement carries
    # (2.8 to 4 here, idle or busy, SQLite or Postgres).
    statements, rows = updates
    assert rows >= 2 * statements, updates
    async with sessions() as session:
        replies = (
            await session.exec(
                select(Message).where(
                    col(Message.id).in_([r.started.assistant_message_id for r in runs])
                )
            )
        ).all()
        finished = (await session.exec(select(Run))).all()
    assert [m.parts for m in replies] == [[{"type": "text", "text": "".join(chunks)}]] * RUNS
    assert {r.status for r in finished} == {RunStatus.completed}
    assert all(r.heartbeat_at is not None for r in finished)


async def test_a_round_keeps_a_stop_recorded_meanwhile(sessions: SessionFactory) -> None:
    """A round writing a deferred status (`in_progress`) never undoes a Stop."""
    run_id, message_id = await _run(sessions)
    async with sessions() as session:
        run = await session.get(Run, run_id)
        assert run is not None
        run.status = RunStatus.cancelling
        session.add(run)
        await session.commit()
    rounds = SaveRounds(sessions)
    recorder = RunRecorder(sessions, run_id, thread_id=0, message_id=message_id, rounds=rounds)
    recorder.defer(status=RunStatus.in_progress)
    recorder.streaming(0.0)
    recorder.append_text("Hello", 0.0)
    recorder.request_save()
    await rounds.idle()
    async with sessions() as session:
        run = await session.get(Run, run_id)
        message = await session.get(Message, message_id)
    assert run is not None and run.status == RunStatus.cancelling
    assert run.heartbeat_at is not None
    assert message is not None and message.parts == [{"type": "text", "text": "Hello"}]


async def test_the_stream_never_waits_for_a_save(sessions: SessionFactory) -> None:
    """While another writer holds the reply's row (SQLite: the database), the run's words
    still reach its viewers; its text is saved once the lock is gone, and whole at the end."""
    chunks = [f"{i:03d} " for i in range(20)]
    provider = ScriptedProvider([text_turn(*chunks)], delay_s=0.02)
    runner = build_runner(sessions, provider, save_text_within_s=0.01)
    async with sessions() as session:
        thread = await owned_thread(session)
    run = await runner.start_run(thread.id or 0, "go", user_id=thread.user_id or 0)
    reply_id = run.started.assistant_message_id
    engine = sessions.kw["bind"]
    received: list[str] = []
    async with engine.connect() as locker:
        await locker.begin()
        await locker.execute(
            text("UPDATE message SET updated_at = updated_at WHERE id = :id"), {"id": reply_id}
        )
        events = run.follow()
        # Half the words while the lock is held (a stream waiting for its saves gets none).
        async with asyncio.timeout(5):
            async for batch in events:
                received += [e.text for e in batch or [] if isinstance(e, TextDelta)]
                if len(received) >= len(chunks) // 2:
                    break
        await locker.rollback()
    async for batch in events:
        received += [e.text for e in batch or [] if isinstance(e, TextDelta)]
        if batch and isinstance(batch[-1], RunFinished):
            break
    await runner.idle()
    assert "".join(received) == "".join(chunks)
    async with sessions() as session:
        message = await session.get(Message, reply_id)
    assert message is not None and message.parts == [{"type": "text", "text": "".join(chunks)}]
