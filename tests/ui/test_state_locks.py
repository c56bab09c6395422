"""A tab's state lock in Redis survives its taker being cancelled (real Redis, two state
managers standing for two workers)."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from redis.asyncio import Redis
from reflex.istate.manager.redis import StateManagerRedis

from app.ui.state_locks import make_state_locks_cancel_safe
from tests.conftest import REDIS_URL

# Short, so that a lock left behind shows as a wait this long, not Reflex's 10 s.
LOCK_EXPIRATION_MS = 3000


@dataclass(frozen=True)
class Token:
    """What the manager's lock needs of a state token: its key."""

    lock_key: str


@pytest.fixture
async def workers() -> AsyncIterator[tuple[StateManagerRedis, StateManagerRedis]]:
    make_state_locks_cancel_safe()
    managers = tuple(
        StateManagerRedis(
            redis=Redis.from_url(REDIS_URL),
            lock_expiration=LOCK_EXPIRATION_MS,
            lock_warning_threshold=LOCK_EXPIRATION_MS // 3,
        )
        for _ in range(2)
    )
    yield managers
    for manager in managers:
        await manager.close()


def _token() -> Token:
    return Token(f"hearth-test-{uuid.uuid4().hex}")


async def _hold(manager: StateManagerRedis, token: Token, seconds: float) -> None:
    async with manager._lock(token):
        await asyncio.sleep(seconds)


async def _cancel_after(task: asyncio.Task, *steps: int) -> None:
    """Cancel `task` after the event loop has run `steps[0]` times, again after `steps[1]` more
    (Reflex cancels a chain's future and its task, one after the other), and so on."""
    for count in steps:
        for _ in range(count):
            await asyncio.sleep(0)
        task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def test_a_taker_cancelled_at_any_moment_leaves_no_lock_behind(
    workers: tuple[StateManagerRedis, StateManagerRedis],
) -> None:
    manager, _ = workers
    left_behind = []
    # Each step of the loop is a moment in taking the lock: before the SET is sent, while
    # Redis answers, after it answered; then once more while the first cancel is handled.
    for steps in [(n,) for n in range(1, 40)] + [(n, m) for n in range(1, 20) for m in (1, 3)]:
        token = _token()
        await _cancel_after(asyncio.create_task(_hold(manager, token, 0.05)), *steps)
        if await manager.redis.get(manager._lock_key(token)) is not None:
            left_behind.append(steps)
    assert not left_behind, f"locks held by no one after a cancel at steps {left_behind}"


async def test_a_waiter_cancelled_while_the_lock_frees_leaves_it_to_the_next(
    workers: tuple[StateManagerRedis, StateManagerRedis],
) -> None:
    here, there = workers
    left_behind = []
    for steps in range(1, 30):
        token = _token()
        holder = asyncio.create_task(_hold(there, token, 0.02))
        await asyncio.sleep(0.01)
        # A waiter here, cancelled about when the holder (another worker) lets go.
        waiter = asyncio.create_task(_hold(here, token, 0.01))
        await asyncio.sleep(0.01)
        await _cancel_after(waiter, steps)
        await holder
        started = time.monotonic()
        await _hold(there, token, 0)
        if time.monotonic() - started > 1:
            left_behind.append(steps)
    assert not left_behind, f"the next taker waited for the lock's expiry at steps {left_behind}"
