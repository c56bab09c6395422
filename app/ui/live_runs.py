"""The tabs here that watch a run, and what a watcher must show.

Whoever starts a run drives it (`app.assistant.driving`): its events go to the run's feed
(`app.assistant.feed`), which every tab showing the thread follows, whichever worker its
socket is on. Each tab's watcher is process-local, so a tab that opens the run again
replaces its old one.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from app.assistant.feed import FeedEntry

# By client token: the task showing that tab a run.
_WATCHING: dict[str, asyncio.Task] = {}


def watch_as(token: str) -> None:
    """The current task is now this tab's watcher; an older one here is cancelled."""
    task = asyncio.current_task()
    older = _WATCHING.get(token)
    if older is not None and older is not task and not older.done():
        older.cancel()
    if task is not None:
        _WATCHING[token] = task


def unwatch(token: str) -> None:
    """Forget the tab's watcher if it is the current task."""
    if _WATCHING.get(token) is asyncio.current_task():
        del _WATCHING[token]


@dataclass
class Step:
    """What one batch of the feed asks of a viewer."""

    pushes: list[tuple[str, str, int]] = field(default_factory=list)
    cards: bool = False
    rooms: list[str] = field(default_factory=list)
    retries: list[str] = field(default_factory=list)
    ended: bool = False
    error: str = ""


@dataclass
class Follower:
    """A viewer's place in a run's feed: the text segment it is in and how long it is.

    Cards (tool calls, effects) end a segment: text after them is a new segment with a new
    key, so the browser shows it below the cards.
    """

    run_id: int
    segment: int = 0
    offset: int = 0
    heard: bool = False

    @property
    def key(self) -> str:
        """The key the browser files the current segment's text under."""
        return f"{self.run_id}-{self.segment}"

    def take(self, batch: list[FeedEntry]) -> Step:
        """Fold a batch into pushes (adjacent text merged) and notices."""
        step, text, start = Step(), "", self.offset
        for entry in batch:
            self.heard = True
            if entry.kind == "text":
                if not text:
                    start = self.offset
                text += entry.text
                self.offset += len(entry.text)
                continue
            if text:
                step.pushes.append((self.key, text, start))
                text = ""
            if entry.kind == "cards":
                step.cards = True
                if entry.room:
                    step.rooms.append(entry.room)
                self.segment, self.offset = self.segment + 1, 0
            elif entry.kind == "retry":
                step.retries.append(entry.message)
            elif entry.kind == "end":
                step.ended, step.error = True, entry.message
        if text:
            step.pushes.append((self.key, text, start))
        return step
