"""Committed changes, for everyone watching in any worker: tabs showing a thread, thread lists,
rooms panels and the admin board hear of them at once instead of asking again and again.

Changes are published when their transaction commits (`app.db.changes`). In one process they
go straight to the watchers here. With several workers they go through one Redis pub/sub
channel: each process publishes there and keeps one subscription, which hands every change to
its own watchers (its own changes included, so all hear them in one order).

A change can be lost (Redis down, a watcher between sockets); a watcher that (re)joins reads the
database, which stays the truth, so a lost change only delays what one screen shows.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Iterable
from typing import Protocol

from app.db.changes import Change

logger = logging.getLogger(__name__)

# What a watcher is handed: a change, or None after a quiet while (to look around).
Heard = Change | None


class ChangeFeed(Protocol):
    """Where committed changes are told and heard."""

    def publish(self, change: Change) -> None:
        """Tell every watcher of the change's topic (never blocks, never raises)."""

    def watch(self, topics: Iterable[str], idle_s: float) -> AsyncIterator[Heard]:
        """None once listening (every change committed from then on is heard: the moment to
        read the database), then each change to one of `topics`, and None after `idle_s`
        quiet."""

    async def close(self) -> None:
        """Release connections."""


class LocalChanges:
    """Changes told to the watchers in this process."""

    def __init__(self) -> None:
        self._watchers: dict[str, set[asyncio.Queue[Change]]] = {}

    def publish(self, change: Change) -> None:
        """Hand the change to this process's watchers of its topic."""
        for queue in self._watchers.get(change.topic, ()):
            queue.put_nowait(change)

    async def watch(self, topics: Iterable[str], idle_s: float) -> AsyncIterator[Heard]:
        """Changes to `topics`, in the order they committed here."""
        queue: asyncio.Queue[Change] = asyncio.Queue()
        topics = set(topics)
        for topic in topics:
            self._watchers.setdefault(topic, set()).add(queue)
        try:
            yield None  # listening
            while True:
                try:
                    yield await asyncio.wait_for(queue.get(), idle_s)
                except TimeoutError:
                    yield None
        finally:
            for topic in topics:
                watchers = self._watchers.get(topic)
                if watchers is not None:
                    watchers.discard(queue)
                    if not watchers:
                        del self._watchers[topic]

    def watched(self, topic: str) -> int:
        """How many watchers here follow `topic`."""
        return len(self._watchers.get(topic, ()))

    async def close(self) -> None:
        """Nothing to release."""


class RedisChanges(LocalChanges):
    """Changes told to every worker through one Redis pub/sub channel."""

    def __init__(self, url: str, prefix: str = "hearth:") -> None:
        super().__init__()
        import redis.asyncio as redis  # only deployments with Redis load the client

        self._redis = redis.Redis.from_url(url, decode_responses=True)
        self._channel = f"{prefix}changes"
        self._outbox: asyncio.Queue[Change] | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._listening = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._failing = False

    def publish(self, change: Change) -> None:
        """Queue the change for Redis (sent by this process's sender task, in order)."""
        self._start()
        assert self._outbox is not None
        self._outbox.put_nowait(change)

    async def watch(self, topics: Iterable[str], idle_s: float) -> AsyncIterator[Heard]:
        """Changes to `topics` from any worker, once this process's subscription is up."""
        self._start()
        with contextlib.suppress(TimeoutError):
            # A change committed before the subscription is up is not heard; the watcher read
            # the database just before, so wait (briefly) for it to be up.
            await asyncio.wait_for(self._listening.wait(), idle_s)
        async for heard in super().watch(topics, idle_s):
            yield heard

    async def wait_listening(self) -> None:
        """Until this process hears the channel."""
        self._start()
        await self._listening.wait()

    def _start(self) -> None:
        """The sender and the subscription, on the running loop (a test may bring another)."""
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            self._loop, self._outbox, self._listening = loop, asyncio.Queue(), asyncio.Event()
            self._tasks = [
                asyncio.create_task(self._send(), name="hearth-changes-send"),
                asyncio.create_task(self._listen(), name="hearth-changes-listen"),
            ]

    async def _send(self) -> None:
        assert self._outbox is not None
        while True:
            change = await self._outbox.get()
            batch = [change]
            while not self._outbox.empty():
                batch.append(self._outbox.get_nowait())
            try:
                async with self._redis.pipeline(transaction=False) as pipe:
                    for change in batch:
                        pipe.publish(self._channel, json.dumps(change.to_json()))
                    await pipe.execute()
            except Exception as exc:
                # Not heard in other workers; at least this one's watchers hear it.
                self._report(exc)
                for change in batch:
                    super().publish(change)

    async def _listen(self) -> None:
        while True:
            try:
                async with self._redis.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.subscribe(self._channel)
                    self._listening.set()
                    self._failing = False
                    async for message in pubsub.listen():
                        if message.get("type") == "message":
                            super().publish(Change.from_json(json.loads(message["data"])))
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self._listening.clear()
                self._report(exc)
                await asyncio.sleep(1.0)

    def _report(self, exc: Exception) -> None:
        if not self._failing:
            logger.warning(
                "Redis is unreachable (%s); screens on other workers show changes when they "
                "next read the database",
                exc,
            )
        self._failing = True

    async def close(self) -> None:
        """Stop the sender and the subscription, and close the connection pool."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks, self._outbox, self._loop = [], None, None
        await self._redis.aclose()


def build_change_feed(redis_url: str | None, prefix: str = "hearth:") -> ChangeFeed:
    """Redis when the deployment has it (several workers), this process otherwise."""
    return RedisChanges(redis_url, prefix) if redis_url else LocalChanges()
