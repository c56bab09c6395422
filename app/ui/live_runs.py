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

A piece can still miss the tab: sent to a socket that had just gone, or lost while the tab
reconnected. The browser shows a segment's text only up to its first gap, so a lost piece
would leave the rest of the reply invisible; the follower therefore sends the segment's whole
text again (from offset 0, the browser trims what it has) whenever the tab is reached on
another socket than before, and whenever the browser says it has a gap (`RESEND_EVENT`).
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
# What the browser sends (with a segment key) when a piece came after a gap.
RESEND_EVENT = "hearth_resend"

# The Reflex app whose socket server carries the text (see `bind`).
_app: Any = None

# By client token: the task showing that tab a run, and its place in the run.
_FOLLOWING: dict[str, asyncio.Task] = {}
_FOLLOWERS: dict[str, RunFollower] = {}
# Tabs creating a run here right now.
_STARTING: set[str] = set()

_CARD_EVENTS = ToolCallStarted | ToolCallFinished | ApprovalRequested | ApprovalDecided

# How the screen shows a run: not yet; its text live from the feed; as saved in the database
# (no feed: re-read each quiet interval); ended.
Showing = Literal["", "live", "saved", "ended"]


def follow_in_tab(token: str, follower: RunFollower) -> None:
    """The current task now follows a run for this tab; an older follower here is cancelled."""
    task = asyncio.current_task()
    older = _FOLLOWING.get(token)
    if older is not None and older is not task and not older.done():
        older.cancel()
    if task is not None:
        _FOLLOWING[token] = task
        _FOLLOWERS[token] = follower


def stop_following_in_tab(token: str) -> None:
    """Forget the tab's follower if it is the current task."""
    if _FOLLOWING.get(token) is asyncio.current_task():
        del _FOLLOWING[token]
        _FOLLOWERS.pop(token, None)


def following(token: str) -> int:
    """The run this tab's follower here shows (0: none)."""
    follower = _FOLLOWERS.get(token)
    return follower.run_id if follower is not None else 0


def starting_in_tab(token: str, starting: bool) -> None:
    """The tab is creating a run (between Send and the run being followed), or no longer."""
    if starting:
        _STARTING.add(token)
    else:
        _STARTING.discard(token)


def is_starting(token: str) -> bool:
    """Whether the tab is creating a run here (its own start follows it)."""
    return token in _STARTING


def resend_requested(token: str, segment_key: str) -> bool:
    """The tab has a gap in a segment: its follower here sends the whole segment again with
    its next batch. False if no follower here is in that segment."""
    follower = _FOLLOWERS.get(token)
    if follower is None or follower.segment_key != segment_key:
        return False
    follower.resend = True
    return True


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
    # The current segment's text so far, and whether the next update sends all of it again.
    text: str = ""
    resend: bool = False
    # The socket the tab was last reached at ("": not yet).
    sid: str = ""

    @property
    def segment_key(self) -> str:
        """The key the browser files the current segment's text under."""
        return f"{self.run_id}-{self.segment}"

    def reached_at(self, sid: str | None) -> None:
        """Where the tab's socket is now (None: not connected here). A socket other than the
        last one may have missed pieces (sent to the old one, or while it reconnected), so the
        next update sends the current segment whole."""
        if sid is None:
            self.sid, self.resend = "", True
        elif sid != self.sid:
            self.sid, self.resend = sid, True

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
                self.text += event.text
                continue
            if text:
                update.pushes.append((self.segment_key, text, start))
                text = ""
            if isinstance(event, _CARD_EVENTS | EffectRecorded):
                update.cards = True
                if isinstance(event, EffectRecorded):
                    update.rooms.append(event.room)
                self.segment, self.offset, self.text = self.segment + 1, 0, ""
            elif isinstance(event, RunRetrying):
                update.notices.append(event.notice)
            elif isinstance(event, RunFinished):
                update.ended, update.error = True, event.error or ""
        if text:
            update.pushes.append((self.segment_key, text, start))
        if self.resend and self.text:
            # The current segment's pieces come last: one push from its start replaces them.
            update.pushes = [p for p in update.pushes if p[0] != self.segment_key]
            update.pushes.append((self.segment_key, self.text, 0))
        self.resend = False
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


def _namespace() -> Any:
    """Reflex's socket namespace (None before the app serves), taking `RESEND_EVENT` too."""
    namespace = _app.event_namespace if _app is not None else None
    if namespace is not None and not hasattr(namespace, f"on_{RESEND_EVENT}"):
        # python-socketio dispatches an event "x" to the namespace's `on_x`.
        setattr(namespace, f"on_{RESEND_EVENT}", _on_resend)
    return namespace


async def _on_resend(sid: str, segment_key: Any = None) -> None:
    """The browser's ask for a segment it has a gap in."""
    namespace = _namespace()
    token = namespace.sid_to_token.get(sid) if namespace is not None else None
    if token is not None and isinstance(segment_key, str):
        resend_requested(token, segment_key)


def tab_socket(client_token: str) -> str | None:
    """The sid of the tab's socket if it is connected to this worker, else None."""
    namespace = _namespace()
    if namespace is None:
        return None
    manager = namespace._token_manager
    record = manager.token_to_socket.get(client_token)
    if record is None or record.instance_id != manager.instance_id:
        return None
    return record.sid


async def tab_elsewhere(client_token: str) -> bool:
    """Whether the tab's socket is connected to another worker (whose own follower shows it
    the run); False while it is between sockets, or gone."""
    namespace = _namespace()
    if namespace is None or tab_socket(client_token) is not None:
        return False
    connected = await namespace._token_manager.is_token_connected(client_token)
    # It may have come back here during the look-up.
    return connected and tab_socket(client_token) is None


async def push_text(sid: str, segment_key: str, text: str, offset: int) -> None:
    """Send text to a tab's socket on this worker (see `tab_socket`)."""
    namespace = _namespace()
    if namespace is None:
        return
    await namespace.emit(TEXT_EVENT, (segment_key, text, offset), to=sid)
    # Let the websocket writer flush before the next chunk is computed.
    await asyncio.sleep(0)
