"""Watching committed changes in a tab: the chat page (its thread's new turns, the person's
thread list, the home) and the admin board hear of each change as it commits, in whichever
worker it was made (`app.assistant.change_feed`).

A tab's watcher runs in the worker its socket is on, one per tab and page: a newer one replaces
the older. It ends once the tab's socket is no longer here; a tab that comes back (a reconnect,
a reload, another page) loads its page again, which reads the database and starts a new one.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Sequence
from contextlib import aclosing
from typing import Any

import reflex as rx

from app.db.changes import Change
from app.services import get_services
from app.ui.live_runs import tab_socket

# How long a watcher waits for a change before looking whether its tab is still here.
WATCH_IDLE_S = 2.0

# By tab and page: the newest watcher's number. An older watcher sees it is not the newest
# when it next wakes and ends by itself, between two changes: it is never cancelled from
# outside in the middle of updating its tab.
_WATCHING: dict[tuple[str, str], int] = {}
_numbers = itertools.count(1)


def watch_in_tab(token: str, page: str) -> int:
    """A new watcher for this tab's page: its number (older watchers of it here end)."""
    number = next(_numbers)
    _WATCHING[(token, page)] = number
    return number


def stop_watching_in_tab(token: str, page: str, number: int) -> None:
    """Forget the tab's watcher if it is still the newest."""
    if _WATCHING.get((token, page)) == number:
        del _WATCHING[(token, page)]


def newest(token: str, page: str, number: int) -> bool:
    """Whether watcher `number` is still the newest of the tab's page here."""
    return _WATCHING.get((token, page)) == number


def start_watching(watcher: Any) -> Any:
    """What a page load returns to start its watcher: a call the browser answers by sending
    the watcher's event itself, so the watcher is a chain of its own, not the tail of the
    page load's (which is cancelled and waited for as a whole)."""
    return rx.call_script("true", callback=watcher)


def tab_left(token: str) -> bool:
    """Whether the tab's socket is gone from this worker (closed, or on another worker now)."""
    return tab_socket(token) is None


async def tab_changes(token: str, page: str, topics: Sequence[str]) -> AsyncIterator[Change | None]:
    """None once listening, then each change to `topics` while the tab is here, for its
    watcher of `page` (which this becomes); ends once the tab's socket has left (or was never
    here: the page's next load, a reconnect's, starts a watcher where the socket is), or a
    newer watcher took over.

    The page load read the database before this listened: on the None, the watcher reads
    again what a change in between would have told it (a run started meanwhile)."""
    if tab_left(token):
        return
    number = watch_in_tab(token, page)
    try:
        heard = get_services().changes.watch(topics, WATCH_IDLE_S)
        listening = False
        async with aclosing(heard):
            async for change in heard:
                # A tab's socket can move to another worker (a reconnect, a reload) while its
                # watcher here waits: that worker's page load watches it now, and this one must
                # not act on the tab's shared state any more.
                if not newest(token, page, number) or tab_left(token):
                    return
                if change is not None or not listening:
                    listening = True
                    yield change
    finally:
        stop_watching_in_tab(token, page, number)
