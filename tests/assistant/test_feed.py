"""The live feed of a run: memory in one process, a Redis stream across workers (real Redis)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest

from app.assistant.events import EffectRecorded, RunEvent, RunFinished, RunRetrying, TextDelta
from app.assistant.feed import LocalFeed, RedisFeed, RunFeed, build_feed
from app.settings import Settings
from tests.conftest import REDIS_URL
from tests.support.waits import wait_until


async def _collect(
    feed: RunFeed,
    run_id: int,
    idle_s: float = 0.2,
    max_idle: int = 20,
    batches: list[list[RunEvent]] | None = None,
) -> list[list[RunEvent]]:
    """Every batch until the end (None batches counted, not kept), into `batches` if given
    (so another task can watch them arrive)."""
    batches, idle = [] if batches is None else batches, 0
    async for batch in feed.follow(run_id, idle_s):
        if batch is None:
            idle += 1
            if idle >= max_idle:
                raise AssertionError(f"no end after {idle} quiet periods: {batches}")
            continue
        batches.append(batch)
    return batches


def _said(text: str) -> TextDelta:
    return TextDelta(1, 10, text)


def _changed(room: str) -> EffectRecorded:
    return EffectRecorded(1, 3, room, 20.0, 21.0)


def _retrying(reason: str) -> RunRetrying:
    return RunRetrying(1, 1, 3, 1.0, reason)


def _text(batches: list[list[RunEvent]]) -> str:
    return "".join(e.text for batch in batches for e in batch if isinstance(e, TextDelta))


@pytest.fixture
async def redis_feeds() -> AsyncIterator[tuple[RedisFeed, RedisFeed]]:
    """Two feeds on one Redis, as two workers have (each with its own memory)."""
    prefix = f"hearth-test:{uuid.uuid4().hex[:8]}:"
    driver, viewer = RedisFeed(REDIS_URL, prefix=prefix), RedisFeed(REDIS_URL, prefix=prefix)
    if not await driver.ping():
        pytest.fail(f"Redis is not reachable at {REDIS_URL}; start it (see README, Testing)")
    yield driver, viewer
    await driver.close()
    await viewer.close()


async def test_a_local_viewer_joining_late_gets_everything_once() -> None:
    feed = LocalFeed()
    feed.open(7)
    await feed.publish(7, [_said("Hello, "), _said("world.")])

    batches: list[list[RunEvent]] = []

    async def more() -> None:
        await wait_until(lambda: batches, "the late viewer read what was published before")
        await feed.publish(7, [_changed("kitchen"), _said(" Done.")])
        await feed.publish(7, [RunFinished(1, "completed")])

    task = asyncio.create_task(more())
    await _collect(feed, 7, batches=batches)
    await task
    assert _text(batches) == "Hello, world. Done."
    assert [e.kind for b in batches for e in b] == [
        "text_delta",
        "effect_recorded",
        "text_delta",
        "run_finished",
    ]
    # Text no one had read yet was merged as it was published.
    assert batches[0] == [_said("Hello, world.")]


async def test_a_local_follower_of_an_unknown_run_is_told_it_is_quiet() -> None:
    feed = LocalFeed()
    quiet = []
    async for batch in feed.follow(99, idle_s=0.01):
        quiet.append(batch)
        if len(quiet) == 3:
            break
    assert quiet == [None, None, None]


async def test_an_ended_local_run_is_forgotten_after_a_while() -> None:
    feed = LocalFeed(ended_keep_s=0.05)
    feed.open(3)
    await feed.publish(3, [_said("x"), RunFinished(1, "completed")])
    assert feed.drives(3)
    await asyncio.sleep(0.1)  # time passing is what forgets it
    assert not feed.drives(3)


async def test_a_viewer_on_another_worker_follows_through_redis(
    redis_feeds: tuple[RedisFeed, RedisFeed],
) -> None:
    driver, viewer = redis_feeds
    driver.open(1)
    await driver.publish(1, [_said("so far ")])

    async def drive() -> None:
        for word in ["one ", "two ", "three"]:
            await asyncio.sleep(0.02)  # paced, so the viewer reads while the run goes on
            await driver.publish(1, [_said(word)])
        await driver.publish(1, [_retrying("Busy; retrying.")])
        await driver.publish(1, [_changed("Living room")])
        await driver.publish(1, [RunFinished(1, "failed", "The model failed.")])

    task = asyncio.create_task(drive())
    batches = await _collect(viewer, 1)
    await task
    entries = [e for b in batches for e in b]
    assert _text(batches) == "so far one two three"
    assert entries[-3:] == [
        _retrying("Busy; retrying."),
        _changed("Living room"),
        RunFinished(1, "failed", "The model failed."),
    ]
    # Other workers get text merged per send (at most every 0.2 s); the driver's own process
    # reads memory and sees the same story.
    local = [e for b in await _collect(driver, 1) for e in b]
    assert _text([local]) == _text(batches)
    assert [e for e in local if e.kind != "text_delta"] == [
        e for e in entries if e.kind != "text_delta"
    ]


async def test_a_redis_viewer_that_joins_after_the_end_still_reads_it_all(
    redis_feeds: tuple[RedisFeed, RedisFeed],
) -> None:
    driver, viewer = redis_feeds
    driver.open(2)
    await driver.publish(2, [_said("all "), _said("of it")])
    await driver.publish(2, [RunFinished(1, "completed")])
    batches = await _collect(viewer, 2)
    assert _text(batches) == "all of it"
    assert len(batches) == 1  # history comes in one read


async def test_a_redis_viewer_of_a_run_with_no_entries_yet_is_told_it_is_quiet(
    redis_feeds: tuple[RedisFeed, RedisFeed],
) -> None:
    _driver, viewer = redis_feeds
    async for batch in viewer.follow(404, idle_s=0.05):
        assert batch is None
        break


async def test_when_redis_is_down_publishing_goes_on_and_viewers_hear_quiet() -> None:
    # Nothing listens on port 1: every Redis call fails at once.
    down = RedisFeed("redis://127.0.0.1:1/0")
    down.open(5)
    await down.publish(5, [_said("kept in memory")])
    assert not await down.ping()
    other = RedisFeed("redis://127.0.0.1:1/0")
    async for batch in other.follow(5, idle_s=0.01):
        assert batch is None
        break
    # The driver's process still has it.
    async for batch in down.follow(5, idle_s=0.01):
        assert batch == [_said("kept in memory")]
        break
    await down.close()
    await other.close()


async def test_two_deployments_sharing_a_redis_do_not_see_each_others_runs() -> None:
    # Run ids start at 1 in every database: the key prefix comes from the database.
    tag = uuid.uuid4().hex[:8]
    first = Settings(database_url=f"postgresql://h@db/one{tag}")
    second = Settings(database_url=f"postgresql://h@db/two{tag}")
    assert first.redis_prefix != second.redis_prefix
    mine, theirs = (
        build_feed(REDIS_URL, first.redis_prefix),
        build_feed(REDIS_URL, second.redis_prefix),
    )
    watcher = build_feed(REDIS_URL, first.redis_prefix)
    try:
        theirs.open(1)
        await theirs.publish(1, [_said("not yours"), RunFinished(1, "completed")])
        mine.open(1)
        await mine.publish(1, [_said("yours"), RunFinished(1, "completed")])
        assert _text(await _collect(watcher, 1)) == "yours"
    finally:
        for feed in (mine, theirs, watcher):
            await feed.close()


async def test_text_published_faster_than_a_viewer_reads_arrives_merged_and_whole() -> None:
    feed = LocalFeed()
    feed.open(8)
    tokens = [f"w{i} " for i in range(200)]

    async def drive() -> None:
        for token in tokens:
            await feed.publish(8, [_said(token)])
            await asyncio.sleep(0)  # let the viewer run between tokens
        await feed.publish(8, [RunFinished(8, "completed")])

    task = asyncio.create_task(drive())
    batches = [b async for b in feed.follow(8, idle_s=1, every_s=0.02) if b is not None]
    await task
    assert _text(batches) == "".join(tokens)
    texts = [e for b in batches for e in b if isinstance(e, TextDelta)]
    assert len(texts) < 50, f"{len(texts)} text events for 200 tokens: not merged"


async def test_the_first_words_come_at_once_and_later_ones_within_the_interval() -> None:
    feed = LocalFeed()
    feed.open(9)
    arrivals: list[tuple[float, str]] = []

    async def drive() -> None:
        # The timing is what is tested: words after the viewer joined, then a pause.
        await asyncio.sleep(0.05)
        await feed.publish(9, [_said("Hi")])
        await feed.publish(9, [_said(" there")])
        await asyncio.sleep(0.3)
        await feed.publish(9, [RunFinished(9, "completed")])

    task = asyncio.create_task(drive())
    start = asyncio.get_running_loop().time()
    async for batch in feed.follow(9, idle_s=5, every_s=0.1):
        if batch:
            arrivals.append((asyncio.get_running_loop().time() - start, _text([batch])))
    await task
    assert [text for _, text in arrivals] == ["Hi there", ""]
    assert arrivals[0][0] < 0.1, "the first words waited for the interval"


async def test_other_events_keep_their_place_between_merged_text() -> None:
    feed = LocalFeed()
    feed.open(6)
    changed, done = _changed("kitchen"), RunFinished(6, "completed")
    for event in [_said("a"), _said("b"), changed, _said("c"), done]:
        await feed.publish(6, [event])
    batches = await _collect(feed, 6)
    assert [e for b in batches for e in b] == [_said("ab"), changed, _said("c"), done]


async def test_text_a_viewer_has_read_is_never_changed_under_it() -> None:
    feed = LocalFeed()
    feed.open(5)
    await feed.publish(5, [_said("seen")])
    follower = feed.follow(5, idle_s=1)
    assert await anext(follower) == [_said("seen")]
    await feed.publish(5, [_said(" new")])
    await feed.publish(5, [_said(" more")])
    assert await anext(follower) == [_said(" new more")]
    await follower.aclose()


async def test_the_end_is_not_held_back_by_the_interval() -> None:
    feed = LocalFeed()
    feed.open(4)
    await feed.publish(4, [_said("Hi")])
    follower = feed.follow(4, idle_s=5, every_s=2.0)
    assert await anext(follower) == [_said("Hi")]
    loop = asyncio.get_running_loop()
    start = loop.time()
    await feed.publish(4, [RunFinished(4, "cancelled")])
    assert await anext(follower) == [RunFinished(4, "cancelled")]
    assert loop.time() - start < 0.5, "the end waited for the flush interval"
    await follower.aclose()
