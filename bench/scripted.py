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
    """Answers "stream N every P ms" with N paced tokens; anything else with one sentence."""

    name = "bench"

    async def stream_turn(self, request: TurnRequest) -> AsyncIterator[ProviderEvent]:
        """Stream the tokens the last user message asks for."""
        asked = next((i.text for i in reversed(request.items) if isinstance(i, UserText)), "")
        match = PROMPT.fullmatch(asked.strip())
        if match is None:
            yield ProviderText("Say 'stream N every P ms'.")
            yield ProviderFinish("stop")
            return
        times: list[float] = []
        count, interval_s = int(match.group(1)), float(match.group(2)) / 1000
        async for _index, text, emitted_at in paced_tokens(count, interval_s):
            times.append(emitted_at)
            yield ProviderText(text)
        record_times(times, match.group(3) or "")
        yield ProviderFinish("stop")


def build(_settings: Any, _sessions: Any) -> BenchProvider:
    """The factory named by HEARTH_PROVIDER_FACTORY=bench.scripted:build."""
    return BenchProvider()
