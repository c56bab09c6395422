"""The fake OpenAI-compatible model server in a process of its own, answering bench prompts.

"stream N every P ms [as TAG]" (bench/scripted.py's prompt) is answered with N four-byte
tokens on a fixed schedule (start + i x P, so the pace holds on average), over Chat
Completions or the Responses API as the request asks; the emission time of each token is
written to $BENCH_TIMES_DIR/times-TAG.json as bench/scripted.py's provider writes it. Its CPU
is its own process's, so a benchmark counts only Hearth's.

    python -m bench.model_server --port 8765
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.scripted import PROMPT, record_times, token  # noqa: E402
from tests.fakes.openai_server import FakeOpenAI, Turn, echo_turn  # noqa: E402


@dataclass(frozen=True)
class PacedTurn(Turn):
    """A bench reply: its text frames on a schedule, their emission times recorded."""

    pace_s: float = 0.0
    tag: str = ""


def _asked(body: dict[str, Any]) -> str:
    messages = body.get("messages") or body.get("input") or []
    return next((m["content"] for m in reversed(messages) if m.get("role") == "user"), "")


def bench_turn(body: dict[str, Any]) -> Turn:
    """The reply a bench prompt asks for; anything else is echoed."""
    asked = _asked(body)
    match = PROMPT.fullmatch(asked.strip()) if isinstance(asked, str) else None
    if match is None:
        return echo_turn(body)
    count, pace_s = int(match.group(1)), float(match.group(2)) / 1000
    return PacedTurn(
        text=[token(i) for i in range(count)],
        usage=(len(asked), count),
        pace_s=pace_s,
        tag=match.group(3) or "",
    )


def _is_text(event: str | None, data: dict[str, Any]) -> bool:
    if event is not None:
        return event == "response.output_text.delta"
    choices = data.get("choices") or [{}]
    return bool(choices[0].get("delta", {}).get("content"))


class BenchModelServer(FakeOpenAI):
    """The fake server with paced, recorded bench replies."""

    async def _sse(
        self, turn: Turn, frames: list[tuple[str | None, dict[str, Any]]], done: bool
    ) -> AsyncIterator[bytes]:
        if not isinstance(turn, PacedTurn):
            async for chunk in super()._sse(turn, frames, done):
                yield chunk
            return
        loop = asyncio.get_running_loop()
        start, sent, times = loop.time(), 0, []
        for event, data in frames:
            if _is_text(event, data):
                delay = start + sent * turn.pace_s - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                sent += 1
                times.append(time.time())
            head = f"event: {event}\n" if event else ""
            yield f"{head}data: {json.dumps(data)}\n\n".encode()
        if done:
            yield b"data: [DONE]\n\n"
        record_times(times, turn.tag)


def main() -> None:
    """Serve until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    server = BenchModelServer(port=args.port, fallback=bench_turn).start()
    sys.stdout.write(f"serving {server.base_url}\n")
    sys.stdout.flush()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
