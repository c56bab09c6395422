"""Watching committed changes in a tab: the chat page (its thread's new turns, the person's
thread list, the home) and the admin board hear of each change as it commits, in whichever
worker it was made (`app.assistant.change_feed`).

A tab's watcher runs in the worker its socket is on, one per tab and page: a newer one replaces
the older. It ends once the tab's socket is no longer here; a tab that comes back (a reconnect,
a reload, another page) loads its page again, which reads the database and starts a new one.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import aclosing

from app.db.changes import Change
from app.services import get_services
from app.ui.live_runs import tab_socket

# How long a watcher waits for a change before looking whether its tab is still here.
WATCH_IDLE_S = 5.0

_WATCHING: dict[tuple[str, str], asyncio.Task] = {}


def watch_in_tab(token: str, page: str) -> None:
    """The current task now watches for this tab's page; an older watcher of it here ends."""
    task = asyncio.current_task()
    older = _WATCHING.get((token, page))
    if older is not None and older is not task and not older.done():
        older.cancel()
    if task is not None:
        _WATCHING[(token, page)] = task


def stop_watching_in_tab(token: str, page: str) -> None:
    """Forget the tab's watcher if it is the current task."""
    if _WATCHING.get((token, page)) is asyncio.current_task():
        del _WATCHING[(token, page)]


def tab_left(token: str) -> bool:
    """Whether the tab's socket is gone from this worker (closed, or on another worker now)."""
    return tab_socket(token) is None


def watching(page: str) -> int:
    """How many tabs here watch for `page`."""
    return sum(1 for _token, p in _WATCHING if p == page)


async def tab_changes(token: str, page: str, topics: Sequence[str]) -> AsyncIterator[Change]:
    """Each change to `topics` while the tab is here, for its watcher of `page` (which this
    becomes); ends once the tab's socket has left (or was never here: the page's next load,
    a reconnect's, starts a watcher where the socket is)."""
    if tab_left(token):
        return
    watch_in_tab(token, page)
    try:
        heard = get_services().changes.watch(topics, WATCH_IDLE_S)
        async with aclosing(heard):
            async for change in heard:
                if change is not None:
                    yield change
                elif tab_left(token):
                    return
    finally:
        stop_watching_in_tab(token, page)
