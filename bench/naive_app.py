"""The naive streaming pattern, as a tiny Reflex app the benchmark runs beside Hearth.

Every token (or every 50 ms batch) is appended to `messages[-1].content` inside
`async with self`, so Reflex re-sends the whole list on each update.
"""

from __future__ import annotations

import dataclasses
import os
import time

import reflex as rx

from bench.scripted import paced_tokens, record_times

SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "500,2000,4000").split(",")]
PACES_MS = [float(p) for p in os.environ.get("BENCH_PACES_MS", "2").split(",")]


@dataclasses.dataclass
class Msg:
    """A chat message as naive apps keep it."""

    role: str
    content: str


class NaiveState(rx.State):
    """Messages in one list var, appended to in place."""

    messages: list[Msg] = []
    done: bool = False
    run: int = 0

    @rx.event(background=True)
    async def stream(self, count: int, batch_ms: int, pace_ms: float, tag: str = ""):
        """Stream `count` tokens, one update per token (batch_ms=0) or per batch.

        `tag` names the file of emission times (bench/load.py runs many at once).
        """
        async with self:
            self.messages = [Msg("user", f"stream {count}"), Msg("assistant", "")]
            self.done = False
            self.run += 1
        pending, last_flush, times = "", time.monotonic(), []
        async for _index, text, emitted_at in paced_tokens(count, pace_ms / 1000):
            times.append(emitted_at)
            pending += text
            if batch_ms == 0 or time.monotonic() - last_flush >= batch_ms / 1000:
                async with self:
                    self.messages[-1].content += pending
                pending, last_flush = "", time.monotonic()
        record_times(times, tag)
        async with self:
            self.messages[-1].content += pending
            self.done = True


def index() -> rx.Component:
    """Buttons to start each run, and the transcript."""
    return rx.box(
        *[
            rx.button(
                f"{n}/{b}/{p:g}", id=f"run-{n}-{b}-{p:g}", on_click=NaiveState.stream(n, b, p, "")
            )
            for n in SIZES
            for b in (0, 50)
            for p in PACES_MS
        ],
        rx.foreach(
            NaiveState.messages,
            lambda m: rx.box(m.content, data_role=m.role, white_space="pre-wrap"),
        ),
        rx.cond(NaiveState.done, rx.text("done", id="done", data_run=NaiveState.run)),
    )


app = rx.App()
app.add_page(index, route="/")
