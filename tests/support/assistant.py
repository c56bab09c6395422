"""The one way tests build the assistant: a Runner over a RunEngine on the test's database,
driven the way production drives it (a task per run, its events through the feed)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import aclosing

from app.assistant.config import EngineConfig
from app.assistant.engine import Instructions, RunEngine
from app.assistant.events import RunEvent, RunFinished
from app.assistant.feed import LocalFeed, RunFeed
from app.assistant.providers.base import Provider
from app.assistant.runner import RunHandle, Runner
from app.assistant.tools import ToolRegistry, home_tool_registry
from app.db.models import Thread
from app.db.session import SessionFactory


async def _no_instructions(_session) -> str:
    return ""


def engine_config(**overrides: float) -> EngineConfig:
    """The default configuration; text is handed on as it comes (no merging), so tests see
    each delta, and stops are looked for often."""
    values = {"stream_flush_interval_s": 0.0, "stop_poll_interval_s": 0.02} | overrides
    return EngineConfig.from_settings(None, **values)


def build_runner(
    sessions: SessionFactory,
    provider: Provider,
    tools: ToolRegistry | None = None,
    *,
    instructions: Instructions = _no_instructions,
    clock: Callable[[], float] | None = None,
    feed: RunFeed | None = None,
    **config: float,
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


async def run_events(run: RunHandle) -> list[RunEvent]:
    """Every event of a started run, to its end."""
    events: list[RunEvent] = []
    async with aclosing(run.follow()) as batches:
        async for batch in batches:
            events.extend(batch or [])
            if events and isinstance(events[-1], RunFinished):
                break
    await run.finished()
    return events
