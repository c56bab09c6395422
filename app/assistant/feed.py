"""Live runs across processes: a run's events, for every viewer wherever it is connected.

The process driving a run appends each batch of its events to the run's feed; a viewer reads
the feed from its start (`RunStarted`, the text so far) and follows it until `RunFinished`. In
one process the feed lives in memory. With several workers it is also a Redis stream, so a
viewer connected to any worker sees the run one XREAD behind its driver; viewers in the
driving process still read memory.

The feed is only a fast path: the database stays the truth. A follower is handed `None`
whenever nothing arrived for a while, so it can ask the database whether the run ended
without saying so (its worker killed) or the feed itself is down.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from app.assistant.events import RunEvent, RunFinished, TextDelta, event_from_json, event_to_json

logger = logging.getLogger(__name__)

Batch = list[RunEvent] | None


@dataclass(frozen=True)
class FeedConfig:
    """How long feeds are kept and how often other workers hear of a run."""

    # How long an ended run's feed stays readable for a viewer that joins late.
    ended_keep_s: float = 60.0
    # A run's Redis stream is dropped this long after its last event, even if its end never came.
    stream_ttl_s: int = 3600
    # Events for other workers are sent at most this often (the run's end at once): viewers
    # in the driving process get every flush; one XADD round trip per run per interval keeps
    # Redis and the driver's CPU flat as runs multiply.
    redis_interval_s: float = 0.2


def _ends(events: Sequence[RunEvent]) -> bool:
    return bool(events) and isinstance(events[-1], RunFinished)


class RunFeed(Protocol):
    """Where a run's driver publishes and its viewers follow."""

    def open(self, run_id: int) -> None:
        """This process drives the run; call before anyone follows it."""

    async def publish(self, run_id: int, events: Sequence[RunEvent]) -> None:
        """Append events (never raises: a feed that is down only slows viewers)."""

    def follow(self, run_id: int, idle_s: float, every_s: float = 0.0) -> AsyncIterator[Batch]:
        """Every event from the start, in batches at most every `every_s`, until
        `RunFinished`; None after `idle_s` quiet."""

    async def close(self) -> None:
        """Release connections."""


@dataclass
class _Log:
    events: list[RunEvent] = field(default_factory=list)
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    # Set with the run's end, which no follower waits an interval for.
    ended: asyncio.Event = field(default_factory=asyncio.Event)
    # Every follower has read fewer events than this: later ones may still be merged.
    read: int = 0

    def append(self, events: Sequence[RunEvent]) -> None:
        for event in events:
            last = self.events[-1] if len(self.events) > self.read else None
            if (
                isinstance(event, TextDelta)
                and isinstance(last, TextDelta)
                and last.message_id == event.message_id
            ):
                # Text no one has read yet grows in place: a reply is a few entries, not
                # one per token.
                self.events[-1] = TextDelta(last.run_id, last.message_id, last.text + event.text)
            else:
                self.events.append(event)
        if _ends(events):
            self.ended.set()
        # Wake everyone waiting, then re-arm for the next append.
        self.changed.set()
        self.changed = asyncio.Event()


class LocalFeed:
    """The feed of runs driven by this process, in memory."""

    def __init__(self, ended_keep_s: float = FeedConfig.ended_keep_s) -> None:
        self._logs: dict[int, _Log] = {}
        self._ended_keep_s = ended_keep_s

    def open(self, run_id: int) -> None:
        """Start the run's log (before its viewers look for it)."""
        self._logs.setdefault(run_id, _Log())

    def drives(self, run_id: int) -> bool:
        """Whether this process holds the run's log."""
        return run_id in self._logs

    async def publish(self, run_id: int, events: Sequence[RunEvent]) -> None:
        """Append to the run's log; an `end` schedules the log's removal."""
        log = self._logs.get(run_id)
        if log is None or not events:
            return
        log.append(events)
        if _ends(events):
            asyncio.get_running_loop().call_later(self._ended_keep_s, self._drop, run_id, log)

    def _drop(self, run_id: int, log: _Log) -> None:
        if self._logs.get(run_id) is log:
            del self._logs[run_id]

    async def follow(
        self, run_id: int, idle_s: float, every_s: float = 0.0
    ) -> AsyncIterator[Batch]:
        """The log from its start, then what was appended, at most every `every_s` (the
        first words at once); None when quiet (or unknown here)."""
        log = self._logs.get(run_id)
        position = 0
        while True:
            if log is None:
                await asyncio.sleep(idle_s)
                yield None
                log = self._logs.get(run_id)
                continue
            if position < len(log.events):
                batch = log.events[position:]
                position = len(log.events)
                log.read = max(log.read, position)
                yield batch
                if _ends(batch):
                    return
                if every_s > 0:
                    # What arrives meanwhile comes as one batch: per flush, not per token
                    # (the end at once).
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(every_s):
                            await log.ended.wait()
                continue
            try:
                # Not wait_for: on Python 3.11 it swallows a cancel that lands as the wait ends.
                async with asyncio.timeout(idle_s):
                    await log.changed.wait()
            except TimeoutError:
                yield None

    async def close(self) -> None:
        """Nothing to release."""


class RedisFeed:
    """Runs driven anywhere: a Redis stream per run, plus memory for the ones driven here."""

    def __init__(self, url: str, prefix: str = "hearth:", config: FeedConfig | None = None) -> None:
        import redis.asyncio as redis  # only deployments with Redis load the client

        self._redis = redis.Redis.from_url(url, decode_responses=True)
        self._prefix = prefix
        self._config = config or FeedConfig()
        self._local = LocalFeed(self._config.ended_keep_s)
        self._failing = False
        # Per run: events not sent to Redis yet, the task that will send them, and a lock
        # that keeps sends in order.
        self._pending: dict[int, list[RunEvent]] = {}
        self._senders: dict[int, asyncio.Task[None]] = {}
        self._locks: dict[int, asyncio.Lock] = {}

    def _key(self, run_id: int) -> str:
        return f"{self._prefix}run:{run_id}"

    def open(self, run_id: int) -> None:
        """Driven here: local viewers read memory, not Redis."""
        self._local.open(run_id)

    async def publish(self, run_id: int, events: Sequence[RunEvent]) -> None:
        """Append in memory now, and to the run's stream within the interval (its end now)."""
        await self._local.publish(run_id, events)
        if not events:
            return
        pending = self._pending.setdefault(run_id, [])
        for event in events:
            last = pending[-1] if pending else None
            if (
                isinstance(event, TextDelta)
                and isinstance(last, TextDelta)
                and last.message_id == event.message_id
            ):
                pending[-1] = TextDelta(last.run_id, last.message_id, last.text + event.text)
            else:
                pending.append(event)
        if _ends(events):
            await self._send(run_id)
            self._senders.pop(run_id, None)
            self._locks.pop(run_id, None)
        elif run_id not in self._senders:
            self._senders[run_id] = asyncio.create_task(self._send_later(run_id))

    async def _send_later(self, run_id: int) -> None:
        await asyncio.sleep(self._config.redis_interval_s)
        self._senders.pop(run_id, None)
        await self._send(run_id)

    async def _send(self, run_id: int) -> None:
        """What is pending, in one round trip; sends of one run never overlap."""
        lock = self._locks.setdefault(run_id, asyncio.Lock())
        async with lock:
            events = self._pending.pop(run_id, [])
            if not events:
                return
            key = self._key(run_id)
            ended = _ends(events)
            try:
                async with self._redis.pipeline(transaction=False) as pipe:
                    for event in events:
                        pipe.xadd(key, {"e": event_to_json(event)})
                    keep_s = self._config.ended_keep_s if ended else self._config.stream_ttl_s
                    pipe.expire(key, int(keep_s))
                    await pipe.execute()
            except Exception as exc:
                self._report(exc)
            else:
                self._failing = False

    def _report(self, exc: Exception) -> None:
        if not self._failing:
            logger.warning(
                "Redis is unreachable (%s); viewers on other workers follow runs through the "
                "database until it is back",
                exc,
            )
        self._failing = True

    async def follow(
        self, run_id: int, idle_s: float, every_s: float = 0.0
    ) -> AsyncIterator[Batch]:
        """From memory if this process drives the run, else from its Redis stream (sent at
        most every `redis_interval_s`, so `every_s` adds nothing there)."""
        if self._local.drives(run_id):
            async for batch in self._local.follow(run_id, idle_s, every_s):
                yield batch
            return
        key, last_id = self._key(run_id), "0-0"
        block_ms = max(1, int(idle_s * 1000))
        while True:
            try:
                reply = await self._redis.xread({key: last_id}, count=1000, block=block_ms)
            except Exception as exc:
                self._report(exc)
                await asyncio.sleep(idle_s)
                yield None
                continue
            if not reply:
                yield None
                continue
            _stream, items = reply[0]
            last_id = items[-1][0]
            batch = [event_from_json(fields["e"]) for _id, fields in items]
            yield batch
            if _ends(batch):
                return

    async def ping(self) -> bool:
        """Whether Redis answers."""
        try:
            return bool(await self._redis.ping())  # type: ignore[misc]
        except Exception:
            return False

    async def close(self) -> None:
        """Close the connection pool."""
        await self._redis.aclose()


def build_feed(
    redis_url: str | None, prefix: str = "hearth:", config: FeedConfig | None = None
) -> RunFeed:
    """Redis when the deployment has it (several workers), memory otherwise."""
    config = config or FeedConfig()
    return RedisFeed(redis_url, prefix, config) if redis_url else LocalFeed(config.ended_keep_s)
