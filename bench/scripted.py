"""A scripted provider for benchmarks: "stream N every P ms" answers N four-byte tokens.

Each token is three digits and a space, so the browser's text length says which token it
shows; emission times are written to $BENCH_TIMES_DIR for latency measurement. With many
replies at once (bench/load.py), "stream N every P ms as TAG" names the file times-TAG.json,
so each reply's times are found again.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from app.assistant.conversation import UserText
from app.assistant.providers.base import ProviderEvent, ProviderFinish, ProviderText, TurnRequest

TOKEN_BYTES = 4
PROMPT = re.compile(r"stream (\d+) every ([\d.]+) ms(?: as ([\w.-]+))?")


def prompt(count: int, pace_ms: float, tag: str = "") -> str:
    """The message that asks for `count` tokens every `pace_ms` (named `tag` if given)."""
    return f"stream {count} every {pace_ms:g} ms" + (f" as {tag}" if tag else "")


def token(index: int) -> str:
    """The index-th token: exactly four bytes."""
    return f"{index % 1000:03d} "


async def paced_tokens(count: int, interval_s: float) -> AsyncIterator[tuple[int, str, float]]:
    """(index, token, emitted_at) on a fixed schedule, so the pace holds on average."""
    start = time.monotonic()
    for index in range(count):
        delay = start + index * interval_s - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        yield index, token(index), time.time()


def record_times(times: list[float], tag: str = "") -> None:
    """Save one reply's emission times where the benchmark looks for them."""
    folder = os.environ.get("BENCH_TIMES_DIR")
    if folder:
        path = Path(folder) / f"times-{tag or time.time_ns()}.json"
        path.write_text(json.dumps(times))


class BenchProvider:
    """Answers "stream N every P ms" with N paced tokens; anything else with one sentence.

    Like a model's socket, it is read at most every `read_interval_s` (Hearth's
    `HEARTH_MODEL_READ_INTERVAL_S`): each wake hands on every token due by then as one piece,
    so a token costs the process a share of a wake-up, not one of its own. A token's
    emission time is when it was due, so what the grouping holds it back counts as latency.
    """

    name = "bench"

    def __init__(self, read_interval_s: float = 0.0) -> None:
        self.read_interval_s = read_interval_s

    async def stream_turn(self, request: TurnRequest) -> AsyncIterator[ProviderEvent]:
        """Stream the tokens the last user message asks for."""
        asked = next((i.text for i in reversed(request.items) if isinstance(i, UserText)), "")
        match = PROMPT.fullmatch(asked.strip())
        if match is None:
            yield ProviderText("Say 'stream N every P ms'.")
            yield ProviderFinish("stop")
            return
        count, interval_s = int(match.group(1)), float(match.group(2)) / 1000
        times: list[float] = []
        async for due in due_tokens(count, interval_s, self.read_interval_s):
            times += [at for _index, _text, at in due]
            yield ProviderText("".join(text for _index, text, _at in due))
        record_times(times, match.group(3) or "")
        yield ProviderFinish("stop")


async def due_tokens(
    count: int, interval_s: float, read_interval_s: float
) -> AsyncIterator[list[tuple[int, str, float]]]:
    """The tokens of `paced_tokens`' schedule, those due by each wake together (a wake at
    most every `read_interval_s` once the first token is out); (index, token, due time)."""
    start_wall, start = time.time(), time.monotonic()
    index = 0
    while index < count:
        delay = start + index * interval_s - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        elapsed = time.monotonic() - start
        last = min(count - 1, max(index, int(elapsed / interval_s))) if interval_s else count - 1
        yield [(i, token(i), start_wall + i * interval_s) for i in range(index, last + 1)]
        index = last + 1
        if index < count and read_interval_s > 0:
            await asyncio.sleep(read_interval_s)


def build(settings: Any, _sessions: Any) -> BenchProvider:
    """The factory named by HEARTH_PROVIDER_FACTORY=bench.scripted:build."""
    # (A Hearth from before the setting existed reads it as often as today's default.)
    return BenchProvider(getattr(settings, "model_read_interval_s", 0.05))
