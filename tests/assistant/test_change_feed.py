"""Committed changes heard by watchers: in one process, and across workers through Redis
pub/sub (real Redis)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import aclosing

import pytest

from app.assistant.change_feed import ChangeFeed, LocalChanges, RedisChanges, build_change_feed
from app.db.changes import HOME_TOPIC, Change, thread_topic
from tests.conftest import REDIS_URL
from tests.support.waits import wait_until


async def _hear(feed: ChangeFeed, topics: list[str], count: int, idle_s: float = 0.1) -> list:
    """The first `count` things heard on `topics` once listening (None for each quiet
    `idle_s`)."""
    heard = []
    async with aclosing(feed.watch(topics, idle_s)) as watching:
        assert await anext(watching) is None  # listening
        async for item in watching:
            heard.append(item)
            if len(heard) == count:
                break
    return heard


async def test_a_watcher_hears_its_topics_only_and_none_when_quiet() -> None:
    feed = LocalChanges()
    listening = asyncio.create_task(_hear(feed, [thread_topic(7), HOME_TOPIC], 3, idle_s=0.3))
    await wait_until(lambda: feed.watched(HOME_TOPIC) == 1, "the watcher listens")
    feed.publish(Change(thread_topic(8), run_id=1))
    feed.publish(Change(thread_topic(7), run_id=2))
    feed.publish(Change(HOME_TOPIC, room="kitchen"))
    assert await listening == [
        Change(thread_topic(7), run_id=2),
        Change(HOME_TOPIC, room="kitchen"),
        None,
    ]
    # A watcher that has stopped is forgotten.
    assert feed.watched(HOME_TOPIC) == 0 and feed.watched(thread_topic(7)) == 0


async def test_a_watcher_is_told_at_once_that_it_listens_then_hears_what_commits() -> None:
    feed = LocalChanges()
    async with aclosing(feed.watch([HOME_TOPIC], idle_s=60)) as watching:
        # The moment to read the database: whatever commits from now on is heard.
        assert await asyncio.wait_for(anext(watching), 1) is None
        feed.publish(Change(HOME_TOPIC, room="kitchen"))
        assert await asyncio.wait_for(anext(watching), 1) == Change(HOME_TOPIC, room="kitchen")


@pytest.fixture
async def workers() -> AsyncIterator[tuple[RedisChanges, RedisChanges]]:
    """Two processes' change feeds on one Redis."""
    prefix = f"hearth-test:{uuid.uuid4().hex[:8]}:"
    a, b = RedisChanges(REDIS_URL, prefix), RedisChanges(REDIS_URL, prefix)
    yield a, b
    await a.close()
    await b.close()


async def test_a_change_committed_in_one_worker_is_heard_in_both(
    workers: tuple[RedisChanges, RedisChanges],
) -> None:
    a, b = workers
    on_a = asyncio.create_task(_hear(a, [HOME_TOPIC], 2, idle_s=5))
    on_b = asyncio.create_task(_hear(b, [HOME_TOPIC], 2, idle_s=5))
    await asyncio.wait_for(asyncio.gather(a.wait_listening(), b.wait_listening()), 5)
    await wait_until(
        lambda: a.watched(HOME_TOPIC) == b.watched(HOME_TOPIC) == 1, "both watchers listen"
    )
    a.publish(Change(HOME_TOPIC, room="kitchen"))
    a.publish(Change(HOME_TOPIC, room="bedroom", gone=True))
    expected = [Change(HOME_TOPIC, room="kitchen"), Change(HOME_TOPIC, room="bedroom", gone=True)]
    assert await asyncio.wait_for(on_b, 5) == expected
    assert await asyncio.wait_for(on_a, 5) == expected


async def test_without_redis_a_change_is_still_heard_in_its_own_worker() -> None:
    # Nothing listens on this port: the sender fails and hands the change to this process.
    feed = RedisChanges("redis://127.0.0.1:1/0", prefix="hearth-test:down:")
    try:
        listening = asyncio.create_task(_hear(feed, [HOME_TOPIC], 1, idle_s=0.05))
        await wait_until(lambda: feed.watched(HOME_TOPIC) == 1, "the watcher listens")
        feed.publish(Change(HOME_TOPIC, room="kitchen"))
        assert await asyncio.wait_for(listening, 10) == [Change(HOME_TOPIC, room="kitchen")]
    finally:
        await feed.close()


def test_redis_is_used_when_the_deployment_has_it() -> None:
    assert isinstance(build_change_feed(None), LocalChanges)
    assert isinstance(build_change_feed(REDIS_URL), RedisChanges)
