"""Following a run in a tab: which tabs here follow one, and what its events ask of the screen.

Whoever starts a run drives it (`app.assistant.runner`); its events go to the run's feed,
which every tab showing the thread follows, whichever worker its socket is on. Each tab's
follower task is process-local, so a tab that opens the run again replaces its old one.
This module is plain code (no Reflex) so the rules are tested on their own.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Literal

from app.assistant.events import (
    ApprovalDecided,
    ApprovalRequested,
    EffectRecorded,
    RunEvent,
    RunFinished,
    RunRetrying,
    TextDelta,
    ToolCallFinished,
    ToolCallStarted,
)

# By client token: the task showing that tab a run.
_FOLLOWING: dict[str, asyncio.Task] = {}

_CARD_EVENTS = ToolCallStarted | ToolCallFinished | ApprovalRequested | ApprovalDecided

# How the screen shows a run: not yet; its text live from the feed; as saved in the database
# (no feed: re-read each quiet interval); ended.
Showing = Literal["", "live", "saved", "ended"]


def follow_in_tab(token: str) -> None:
    """The current task now follows a run for this tab; an older follower here is cancelled."""
    task = asyncio.current_task()
    older = _FOLLOWING.get(token)
    if older is not None and older is not task and not older.done():
        older.cancel()
    if task is not None:
        _FOLLOWING[token] = task


def stop_following_in_tab(token: str) -> None:
    """Forget the tab's follower if it is the current task."""
    if _FOLLOWING.get(token) is asyncio.current_task():
        del _FOLLOWING[token]


@dataclass
class ScreenUpdate:
    """What one batch of a run's events asks of a tab."""

    # (segment key, text, offset in the segment) to push to the browser.
    pushes: list[tuple[str, str, int]] = field(default_factory=list)
    cards: bool = False
    rooms: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    ended: bool = False
    error: str = ""
    # Re-read the transcript and show the run this way (None: the screen stays as it is).
    show: Showing | None = None


@dataclass
class RunFollower:
    """A tab's place in a run: the text segment it is in, how long it is, and how the run is
    shown.

    Cards (tool calls, approvals, effects) end a segment: text after them is a new segment
    with a new key, so the browser shows it below the cards.
    """

    run_id: int
    segment: int = 0
    offset: int = 0
    heard: bool = False
    showing: Showing = ""

    @property
    def segment_key(self) -> str:
        """The key the browser files the current segment's text under."""
        return f"{self.run_id}-{self.segment}"

    def take(self, batch: list[RunEvent] | None, *, ended_elsewhere: bool = False) -> ScreenUpdate:
        """Fold a batch of events (None: nothing for a while) into an update; `ended_elsewhere`
        says the database knows the run ended (its worker died, or the feed is down)."""
        update, text, start = ScreenUpdate(), "", self.offset
        for event in batch or []:
            self.heard = True
            if isinstance(event, TextDelta):
                if not text:
                    start = self.offset
                text += event.text
                self.offset += len(event.text)
                continue
            if text:
                update.pushes.append((self.segment_key, text, start))
                text = ""
            if isinstance(event, _CARD_EVENTS | EffectRecorded):
                update.cards = True
                if isinstance(event, EffectRecorded):
                    update.rooms.append(event.room)
                self.segment, self.offset = self.segment + 1, 0
            elif isinstance(event, RunRetrying):
                update.notices.append(event.notice)
            elif isinstance(event, RunFinished):
                update.ended, update.error = True, event.error or ""
        if text:
            update.pushes.append((self.segment_key, text, start))
        update.ended = update.ended or ended_elsewhere
        want: Showing = "ended" if update.ended else "live" if self.heard else "saved"
        if want != self.showing or want == "saved" or update.cards:
            update.show = want
        self.showing = want
        return update
