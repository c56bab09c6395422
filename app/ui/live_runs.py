"""Runs driven by this process, and every tab watching one: text fan-out and notices.

The tab that starts a run drives it; any tab showing that thread (the same tab after a
reload, a second tab) is a viewer. Text goes straight to each viewer's socket with its
offset, so a viewer that joins late gets the text so far first and then the rest, with no
gap and no duplicate; cards and the end reach each viewer's own watch task as notices.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Literal

from app.assistant.events import RunStarted
from app.ui.live_text import push_text

NoticeKind = Literal["cards", "retry", "end", "replaced"]


@dataclass(frozen=True)
class Notice:
    """Something a viewer's view must catch up with."""

    kind: NoticeKind
    room: str | None = None
    message: str | None = None


@dataclass
class LiveRun:
    """One run this process drives, the text of its current segment, and its viewers."""

    started: RunStarted
    task: asyncio.Task | None = None
    segment: int = 0
    text: str = ""
    viewers: dict[str, asyncio.Queue[Notice]] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """The key browsers file the current segment's text under."""
        return f"{self.started.run_id}-{self.segment}"

    def watch(self, token: str) -> tuple[asyncio.Queue[Notice], str, str]:
        """Register a tab; returns its notice queue and the segment's key and text so far."""
        previous = self.viewers.get(token)
        if previous is not None:
            previous.put_nowait(Notice("replaced"))
        queue: asyncio.Queue[Notice] = asyncio.Queue()
        self.viewers[token] = queue
        return queue, self.key, self.text

    def unwatch(self, token: str, queue: asyncio.Queue[Notice]) -> None:
        """Forget a tab (if this queue is still its registration)."""
        if self.viewers.get(token) is queue:
            del self.viewers[token]

    async def publish_text(self, text: str) -> None:
        """Send new text to every viewer, with its offset in the segment."""
        offset = len(self.text)
        self.text += text
        for token in list(self.viewers):
            await push_text(token, self.key, text, offset)

    def publish(self, notice: Notice) -> None:
        """Tell every viewer; cards start a new text segment after them."""
        if notice.kind == "cards":
            self.segment += 1
            self.text = ""
        for queue in self.viewers.values():
            queue.put_nowait(notice)


# By run id. Stop cancels a run driven here at once; the database flag (`cancelling`) is what
# reaches a run driven by any other process.
LIVE_RUNS: dict[int, LiveRun] = {}
