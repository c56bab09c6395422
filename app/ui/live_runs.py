"""Following a run in a tab: which tabs here follow one, what its events ask of the screen,
and the streamed text pushed to the browser.

Whoever starts a run drives it (`app.assistant.runner`); its events go to the run's feed,
which every tab showing the thread follows, whichever worker its socket is on. Each tab's
follower task is process-local, so a tab that opens the run again replaces its old one.
The rules are plain code, tested on their own.

Text goes to the tab as a bare socket.io event on Reflex's own connection: a Reflex frontend
event (`rx.call_script`) costs ~120 bytes of envelope per flush; `["text", key, text,
offset]` costs ~30, so a reply's bytes stay close to its own length. It rides the same
socket as Reflex's updates, so it stays in order with them.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, Literal

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

# The socket.io event that carries streamed text; short, since every flush sends it.
TEXT_EVENT = "text"

# The Reflex app whose socket server carries the text (see `bind`).
_app: Any = None

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


def bind(app: Any) -> None:
    """Remember the Reflex app whose socket server carries the text (once, by app/app.py)."""
    global _app
    _app = app


async def push_text(client_token: str, segment_key: str, text: str, offset: int) -> bool:
    """Send text to a tab whose socket is on this worker; False if it is not connected here."""
    namespace = _app.event_namespace if _app is not None else None
    sid = namespace.token_to_sid.get(client_token) if namespace is not None else None
    if namespace is None or sid is None:
        return False
    await namespace.emit(TEXT_EVENT, (segment_key, text, offset), to=sid)
    # Let the websocket writer flush before the next chunk is computed.
    await asyncio.sleep(0)
    return True
