"""The one way tests build the assistant: a Runner over a RunEngine on the test's database,
driven the way production drives it (a task per run, its events through the feed)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import aclosing

from sqlmodel import col, select

from app.assistant.config import EngineConfig
from app.assistant.engine import Instructions, RunEngine
from app.assistant.events import RunEvent, RunFinished
from app.assistant.feed import LocalFeed, RunFeed
from app.assistant.providers.base import Provider
from app.assistant.runner import RunHandle, Runner
from app.assistant.tools import ToolRegistry, home_tool_registry
from app.db.models import Message, Run, Thread
from app.db.session import SessionFactory
from tests.support.people import owned_thread


def _no_instructions(_rooms) -> str:
    return ""


def engine_config(**overrides: float | str) -> EngineConfig:
    """The default configuration; text is handed on as it comes (no merging), so tests see
    each delta, and stops are looked for often; follow-ups after a model's reply are off (a
    request a script would have to answer) unless `follow_ups_timeout_s` says so."""
    values = {
        "stream_flush_interval_s": 0.0,
        "stop_poll_interval_s": 0.02,
        "follow_ups_timeout_s": 0.0,
    } | overrides
    return EngineConfig.from_settings(None, **values)


def build_runner(
    sessions: SessionFactory,
    provider: Provider,
    tools: ToolRegistry | None = None,
    *,
    instructions: Instructions = _no_instructions,
    clock: Callable[[], float] | None = None,
    feed: RunFeed | None = None,
    **config: float | str,
) -> Runner:
    """A runner whose engine has `provider`, Hearth's home tools (or `tools`), and the
    default configuration with `config` overrides."""
    extra = {"clock": clock} if clock is not None else {}
    engine = RunEngine(
        sessions,
        provider,
        tools or home_tool_registry(),
        instructions=instructions,
        config=engine_config(**config),
        **extra,
    )
    return Runner(engine, feed or LocalFeed())


async def run_in(runner: Runner, thread_id: int, text: str) -> AsyncIterator[RunEvent]:
    """A run in the thread, as its owner, event by event from `RunStarted` to `RunFinished`;
    closing early stops the run (as a client going away does)."""
    async with runner.engine.sessions() as session:
        thread = await session.get(Thread, thread_id)
    assert thread is not None and thread.user_id is not None
    run = await runner.start_run(thread_id, text, user_id=thread.user_id)
    ended = False
    try:
        async with aclosing(run.follow()) as batches:
            async for batch in batches:
                for event in batch or []:
                    yield event
                    ended = isinstance(event, RunFinished)
                if ended:
                    return
    finally:
        if not ended:
            run.stop()
        await run.finished()
        await runner.idle()


async def run_events(run: RunHandle) -> list[RunEvent]:
    """Every event of a started run, to its end."""
    events: list[RunEvent] = []
    async with aclosing(run.follow()) as batches:
        async for batch in batches:
            events.extend(batch or [])
            if events and isinstance(events[-1], RunFinished):
                break
    await run.finished()
    await run.runner.idle()
    return events


async def new_thread(sessions: SessionFactory) -> int:
    """A new thread of the default owner (tests/support/people.py)."""
    async with sessions() as session:
        return (await owned_thread(session)).id or 0


async def ask(runner: Runner, thread_id: int, text: str) -> list[RunEvent]:
    """Every event of a run in the thread, asked `text` by its owner."""
    return [event async for event in run_in(runner, thread_id, text)]


async def stored_run(sessions: SessionFactory, run_id: int) -> tuple[Run, list[Message]]:
    """The run's row and its messages (the question and the reply), as stored now."""
    async with sessions() as session:
        run = await session.get(Run, run_id)
        query = select(Message).where(Message.run_id == run_id).order_by(col(Message.id))
        messages = list((await session.exec(query)).all())
    assert run is not None, f"run {run_id} is not stored"
    return run, messages
