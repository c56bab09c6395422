"""The one door: a started run is driven here, followed from its start by anyone, and
stopped from any tab (here at once, from elsewhere through the database)."""

from __future__ import annotations

import asyncio

from sqlmodel import select

from app.assistant.events import RunFinished, RunStarted, TextDelta
from app.assistant.runs import request_stop
from app.db.models import Run
from app.db.session import SessionFactory
from tests.fakes.scripted_provider import Pause, ScriptedProvider, text_turn
from tests.support.assistant import build_runner, run_events
from tests.support.people import owned_thread, person


async def _thread(sessions: SessionFactory) -> tuple[int, int]:
    async with sessions() as session:
        thread = await owned_thread(session)
    return thread.id or 0, thread.user_id or 0


def _text(events: list) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDelta))


async def test_every_follower_sees_the_whole_run_once_however_late_it_joins(
    sessions: SessionFactory,
) -> None:
    pause = Pause()
    provider = ScriptedProvider([[*text_turn("Hello, ")[:1], pause, *text_turn("world.")]])
    runner = build_runner(sessions, provider)
    thread_id, user_id = await _thread(sessions)
    run = await runner.start_run(thread_id, "hi", user_id=user_id)
    early = asyncio.create_task(run_events(run))
    await asyncio.wait_for(pause.reached.wait(), 5)
    assert runner.is_driving(run.run_id)
    pause.release.set()
    events = await asyncio.wait_for(early, 5)
    late = [e for batch in [b async for b in runner.follow(run.run_id)] for e in batch or []]
    for seen in (events, late):
        assert isinstance(seen[0], RunStarted) and seen[0].run_id == run.run_id
        assert _text(seen) == "Hello, world."
        assert seen[-1] == RunFinished(run.run_id, "completed", None)
    assert not runner.is_driving(run.run_id)


async def test_a_stop_recorded_elsewhere_cancels_the_run_within_a_poll(
    sessions: SessionFactory,
) -> None:
    silent = Pause()  # a model that never says another word
    provider = ScriptedProvider([[*text_turn("So far")[:1], silent]])
    runner = build_runner(sessions, provider, stop_poll_interval_s=0.05)
    thread_id, user_id = await _thread(sessions)
    run = await runner.start_run(thread_id, "hi", user_id=user_id)
    await asyncio.wait_for(silent.reached.wait(), 5)
    async with sessions() as session:
        # As another worker's Stop does: only the database hears of it.
        assert await request_stop(session, run.run_id, user_id)
    events = await asyncio.wait_for(run_events(run), 5)
    assert events[-1] == RunFinished(run.run_id, "cancelled")
    assert _text(events) == "So far"


async def test_stop_here_ends_the_run_at_once_and_only_for_its_owner(
    sessions: SessionFactory,
) -> None:
    silent = Pause()
    runner = build_runner(sessions, ScriptedProvider([[silent]]), stop_poll_interval_s=60)
    thread_id, user_id = await _thread(sessions)
    run = await runner.start_run(thread_id, "hi", user_id=user_id)
    await asyncio.wait_for(silent.reached.wait(), 5)
    async with sessions() as session:
        mallory = await person(session, "mallory")
    assert not await runner.stop(run.run_id, mallory)
    assert runner.is_driving(run.run_id)
    # The poll is a minute away: only the direct cancel can end it this soon.
    assert await runner.stop(run.run_id, user_id)
    await asyncio.wait_for(run.finished(), 2)
    assert not await runner.stop(run.run_id, user_id), "a run that ended cannot be stopped"


async def test_the_starter_leaving_stops_the_run_and_its_end_is_published(
    sessions: SessionFactory,
) -> None:
    silent = Pause()
    runner = build_runner(sessions, ScriptedProvider([[silent]]))
    thread_id, user_id = await _thread(sessions)
    run = await runner.start_run(thread_id, "hi", user_id=user_id)
    await asyncio.wait_for(silent.reached.wait(), 5)
    run.stop()
    run.stop()  # twice, as a client that goes away twice: the run's bookkeeping finishes
    await asyncio.wait_for(run.finished(), 5)
    events = await run_events(run)
    assert events[-1] == RunFinished(run.run_id, "cancelled")


async def test_idle_returns_once_no_run_is_driven_and_the_watcher_stopped(
    sessions: SessionFactory,
) -> None:
    runner = build_runner(sessions, ScriptedProvider([text_turn("Done.")]))
    thread_id, user_id = await _thread(sessions)
    run = await runner.start_run(thread_id, "hi", user_id=user_id)
    await asyncio.wait_for(runner.idle(), 5)
    assert not runner.is_driving(run.run_id)
    assert runner._stops._task is not None and runner._stops._task.done()


async def test_a_starter_cancelled_at_any_moment_leaves_no_run_undriven(
    sessions: SessionFactory,
) -> None:
    """The tab or request that presses Send can be cancelled at any await of the start (a
    socket gone, an event chain cut): the run it asked for is then either never made or
    driven to its end, never left "running" with nobody driving it (which would hold the
    thread's one active run forever)."""
    runner = build_runner(sessions, ScriptedProvider([text_turn("Done.")] * 200))
    threads = []
    for n in range(120):
        async with sessions() as session:
            thread = await owned_thread(session, f"thread {n}")
        threads.append(thread)
        starting = asyncio.create_task(
            runner.start_run(thread.id, "hi", user_id=thread.user_id or 0)
        )
        # Cancelled after 0 to 30 ms: before anything, then inside the insert, its commit
        # and the session's close, then after the start.
        await asyncio.sleep(n * 0.00025)
        starting.cancel()
        await asyncio.gather(starting, return_exceptions=True)
    await asyncio.wait_for(runner.idle(), 10)
    async with sessions() as session:
        runs = (await session.exec(select(Run))).all()
    undriven = [(r.thread_id, r.status) for r in runs if r.ended_at is None]
    assert runs and not undriven
