"""Waiting for an observable change instead of sleeping a fixed time: poll a condition until it
holds, and fail naming what never happened."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")

Condition = Callable[[], T | Awaitable[T]]


async def wait_until(
    condition: Condition[T], what: str, timeout_s: float = 5.0, every_s: float = 0.01
) -> T:
    """The first truthy value `condition` returns (it may be a coroutine function), polled every
    `every_s`; AssertionError("never happened within N s: <what>") once `timeout_s` has passed."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while True:
        value = condition()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value
        if loop.time() >= deadline:
            raise AssertionError(f"never happened within {timeout_s:g} s: {what}")
        await asyncio.sleep(every_s)
