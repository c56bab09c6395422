"""The assistant's one door: start a run, follow it, stop it; the web UI and the API alike.

A run is driven by a task in the process that started it, so whoever started it (an event
handler, an HTTP response) can end without ending it. Its events go to the run's feed, which
every viewer follows wherever it is connected. A Stop is recorded in the database and
cancels the driving task: at once in this process, as the change feed tells it elsewhere.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from contextlib import aclosing
from typing import Any

from app.assistant.change_feed import ChangeFeed
from app.assistant.client_tools import ClientContext, ClientToolResult
from app.assistant.engine import RunEngine
from app.assistant.events import RunFinished, RunStarted, SuggestionsOffered
from app.assistant.feed import Batch, RunFeed
from app.assistant.follow_ups import FollowUpOffer
from app.assistant.runs import request_stop
from app.assistant.stops import StopWatcher, cancel_once
from app.db.statuses import RunStatus

logger = logging.getLogger(__name__)

# Offers kept once done (see Runner._offering).
_OFFERS_KEPT = 256


class RunHandle:
    """A run started here: its ids, its events as they happen, and Stop."""

    def __init__(self, runner: Runner, started: RunStarted, task: asyncio.Task[None]) -> None:
        self.started, self._runner, self._task = started, runner, task

    @property
    def run_id(self) -> int:
        """The run's id."""
        return self.started.run_id

    @property
    def runner(self) -> Runner:
        """The runner that drives it."""
        return self._runner

    def follow(self) -> AsyncIterator[Batch]:
        """The run's events from its start (`RunStarted`) to `RunFinished`, in batches."""
        return self._runner.follow(self.run_id)

    def stop(self) -> None:
        """Stop the run now (its text is kept); it ends on its own, so nothing waits here."""
        cancel_once(self._task)

    async def finished(self) -> None:
        """Wait until the run's driving task has ended."""
        await asyncio.wait([self._task])


class Runner:
    """Starts runs and drives them in this process; follows and stops runs anywhere."""

    def __init__(self, engine: RunEngine, feed: RunFeed, changes: ChangeFeed | None = None) -> None:
        """`changes`: where this process hears Stops recorded elsewhere (without it, the
        database is asked for them every `stop_poll_interval_s`)."""
        self.engine, self.feed = engine, feed
        self._driving: dict[int, asyncio.Task[None]] = {}
        # Starts whose caller was cancelled finish here (a reference keeps each alive).
        self._starting: set[asyncio.Task[RunHandle]] = set()
        # Follow-ups asked after a run's end, by run: the latest few kept once done, for an
        # API client that asks for them after the task has ended.
        self._offering: OrderedDict[int, asyncio.Task[tuple[str, ...]]] = OrderedDict()
        config = engine.config
        self._follow_ups = FollowUpOffer(
            engine.sessions, engine.provider, config.language, config.follow_ups_timeout_s
        )
        self._stops = StopWatcher(
            engine.sessions,
            self._driving,
            config.stop_poll_interval_s,
            changes,
            config.stop_fallback_poll_s,
        )

    async def start_run(
        self,
        thread_id: int | None,
        text: str,
        *,
        user_id: int,
        client_id: str | None = None,
        client: ClientContext | None = None,
        attachment_ids: Sequence[int] = (),
        replacing: int | None = None,
    ) -> RunHandle:
        """Persist the person's message and drive the run that answers it (see
        `RunEngine.start` for what refuses, and for `replacing`: an edit or a regeneration);
        `client` is what an API request adds.

        The caller may be cancelled meanwhile (a tab gone, a request cut): the start still
        finishes, so a run is either never made or driven to its end, and no insert is cut
        off halfway (which would leave the database locked)."""
        start = self.engine.start(
            thread_id,
            text,
            user_id=user_id,
            client_id=client_id,
            attachment_ids=attachment_ids,
            replacing=replacing,
        )
        return await self._finish_starting(start, client)

    async def continue_run(
        self,
        thread_id: int,
        results: Sequence[ClientToolResult],
        *,
        user_id: int,
        client: ClientContext | None = None,
    ) -> RunHandle:
        """Store an API client's tool results and drive the run that carries on from them
        (finished even if the caller is cancelled meanwhile, as `start_run` is)."""
        start = self.engine.resume(thread_id, results, user_id=user_id)
        return await self._finish_starting(start, client)

    def follow(self, run_id: int) -> AsyncIterator[Batch]:
        """A run's events from its start, wherever it is driven; None after each quiet
        `follow_idle_s` (so the viewer can ask the database whether it ended)."""
        config = self.engine.config
        return self.feed.follow(run_id, config.follow_idle_s, config.stream_flush_interval_s)

    async def stop(self, run_id: int, user_id: int) -> bool:
        """Stop one of this person's runs from any tab; False if it had ended (or is not
        theirs)."""
        async with self.engine.sessions() as session:
            if not await request_stop(session, run_id, user_id):
                return False
        task = self._driving.get(run_id)
        if task is not None:
            cancel_once(task)
        return True

    async def idle(self) -> None:
        """Wait until this process drives no run, offers no follow-ups, and its stop watcher
        has stopped (so no query of its is left open when the event loop closes)."""
        while self._starting or self._driving or self._offers_pending():
            await asyncio.wait([*self._starting, *self._driving.values(), *self._offers_pending()])
        await self._stops.idle()
        await self.engine.saves.idle()

    async def follow_ups(self, message_id: int, run_id: int) -> tuple[str, ...]:
        """The follow-ups offered after a reply (its run's), waited for while they are
        being asked: here, until the offer's task ends; in another process, until they are
        stored or the offer's time limit has passed (`follow_ups_timeout_s`)."""
        task = self._offering.get(run_id)
        if task is not None:
            await asyncio.wait([task])
            if not task.cancelled() and task.exception() is None:
                return task.result()
        return await self._follow_ups.offered(message_id, run_id)

    def is_driving(self, run_id: int) -> bool:
        """Whether this process drives the run."""
        return run_id in self._driving

    async def _finish_starting(
        self, start: Coroutine[Any, Any, RunStarted], client: ClientContext | None
    ) -> RunHandle:
        """Create the run and its driving task in a task of their own, which the caller's
        cancellation does not reach."""

        async def start_and_drive() -> RunHandle:
            return self._drive(await start, client)

        starting = asyncio.create_task(start_and_drive())
        self._starting.add(starting)
        starting.add_done_callback(_forget_start(self._starting))
        return await asyncio.shield(starting)

    def _drive(self, started: RunStarted, client: ClientContext | None) -> RunHandle:
        # The feed is opened before anyone can follow, so viewers here read it from memory.
        self.feed.open(started.run_id)
        task = asyncio.create_task(self._run(started, client))
        self._driving[started.run_id] = task
        self._stops.wake()
        return RunHandle(self, started, task)

    def _offers_pending(self) -> list[asyncio.Task[tuple[str, ...]]]:
        return [task for task in self._offering.values() if not task.done()]

    def _offer_follow_ups(self, run_id: int) -> None:
        task = asyncio.create_task(self._follow_ups.offer(run_id))
        task.add_done_callback(_log_offer_failure(run_id))
        self._offering[run_id] = task
        while len(self._offering) > _OFFERS_KEPT and next(iter(self._offering.values())).done():
            self._offering.popitem(last=False)

    async def _run(self, started: RunStarted, client: ClientContext | None) -> None:
        """The run to its end, each event to its feed (which hands viewers what arrived at
        most every flush interval)."""
        run_id, ended, offered = started.run_id, False, False
        try:
            await self.feed.publish(run_id, [started])
            async with aclosing(self.engine.execute(started, client)) as events:
                async for event in events:
                    ended = isinstance(event, RunFinished)
                    offered = offered or isinstance(event, SuggestionsOffered)
                    if ended and event.status == RunStatus.completed and not offered:
                        # Asked from now on, before anyone hears of the end (who may ask
                        # for them: an API client), and never waited for here.
                        self._offer_follow_ups(run_id)
                    await self.feed.publish(run_id, [event])
        finally:
            if self._driving.get(run_id) is asyncio.current_task():
                del self._driving[run_id]
                if not self._driving:
                    self._stops.rest()
            if not ended:
                # Stopped: the engine kept the text and ended the run without a word.
                await self.feed.publish(run_id, [RunFinished(run_id, RunStatus.cancelled)])


def _log_offer_failure(run_id: int) -> Callable[[asyncio.Task], None]:
    """An offer's error (a database gone) is logged, never raised."""

    def log(task: asyncio.Task[tuple[str, ...]]) -> None:
        if not task.cancelled() and task.exception() is not None:
            logger.warning("Run %s: follow-ups not offered: %s", run_id, task.exception())

    return log


def _forget_start(starting: set[asyncio.Task[RunHandle]]) -> Callable[[asyncio.Task], None]:
    """Drop a finished start; a refusal nobody waited for any more (the caller was
    cancelled) is retrieved here, so it is not reported as a lost error."""

    def forget(task: asyncio.Task[RunHandle]) -> None:
        starting.discard(task)
        if not task.cancelled():
            task.exception()

    return forget
