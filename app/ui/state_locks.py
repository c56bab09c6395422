"""A tab's state lock in Redis (Reflex's `StateManagerRedis`), made safe to cancel.

Reflex cancels event chains of its own accord: a page load superseded by a navigation, a page
load or hydrate of a tab whose socket closed. Hearth cancels a tab's older run follower. A task
cancelled while it takes the lock (`SET key id NX PX`) can be cancelled after Redis has set the
key but before the reply is read: the lock is then held by no one until it expires
(`redis_lock_expiration`, 10 s), and every other event of that tab waits that long. The same
happens when the cancellation lands after the lock was taken but before Reflex's `_lock` has
entered the block that releases it. (Reproduced against a real Redis in
`tests/ui/test_state_locks.py`; Reflex 0.10.1.)

Here the attempt to take the lock always runs to its reply, and a cancelled waiter gives back a
lock it took, so the next waiter, in this worker or another, gets it at once.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from reflex.istate.manager.redis import StateManagerRedis

# Deletes the lock only while it still holds this waiter's id (a compare-and-delete: the lock
# may have expired and been taken by another since).
_GIVE_BACK = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0
"""

_reflex_try_get_lock = StateManagerRedis._try_get_lock
_reflex_wait_lock = StateManagerRedis._wait_lock


async def _give_back(manager: StateManagerRedis, lock_key: bytes, lock_id: bytes) -> None:
    """Release the lock if it is still `lock_id`'s, and wake this worker's next waiter (the
    deletion's keyspace event wakes other workers')."""
    if await manager.redis.eval(_GIVE_BACK, 1, lock_key, lock_id):  # type: ignore[misc]
        manager._notify_next_waiter(lock_key)


async def _settle(manager: StateManagerRedis, attempt: asyncio.Future, key: bytes, id_: bytes):
    """After a cancelled attempt: wait for its reply, and give back the lock if it took it."""
    if await attempt:
        await _give_back(manager, key, id_)


async def _try_get_lock(self: StateManagerRedis, lock_key: bytes, lock_id: bytes) -> Any:
    attempt = asyncio.ensure_future(_reflex_try_get_lock(self, lock_key, lock_id))
    try:
        return await asyncio.shield(attempt)
    except asyncio.CancelledError:
        # Shielded again: a second cancellation must not stop the lock being given back. (An
        # attempt that failed took no lock.)
        with contextlib.suppress(Exception):
            await asyncio.shield(_settle(self, attempt, lock_key, lock_id))
        raise


async def _wait_lock(self: StateManagerRedis, lock_key: bytes, lock_id: bytes) -> None:
    try:
        await _reflex_wait_lock(self, lock_key, lock_id)
    except asyncio.CancelledError:
        # Cancelled after the lock was taken (Reflex's waiter list is tidied with an await
        # after the SET): the caller will never release it, so give it back here.
        await asyncio.shield(_give_back(self, lock_key, lock_id))
        raise


def make_state_locks_cancel_safe() -> None:
    """Have every Redis state manager of this process take its locks this way (idempotent)."""
    StateManagerRedis._try_get_lock = _try_get_lock  # type: ignore[method-assign]
    StateManagerRedis._wait_lock = _wait_lock  # type: ignore[method-assign]
