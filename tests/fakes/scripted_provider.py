"""A scripted provider for engine tests: each turn replays a script, requests are recorded."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field

from app.assistant.providers.base import (
    ProviderEvent,
    ProviderFinish,
    ProviderText,
    ProviderToolCall,
    TurnRequest,
)


@dataclass
class Pause:
    """Stop the script here until the test releases it (to act mid-stream)."""

    reached: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass
class Fail:
    """Raise this exception at this point of the turn."""

    error: Exception


Step = ProviderEvent | Pause | Fail


def text_turn(*chunks: str) -> list[Step]:
    """A turn that streams text chunks and stops."""
    return [*(ProviderText(c) for c in chunks), ProviderFinish("stop")]


def tool_turn(*calls: tuple[str, str, str]) -> list[Step]:
    """A turn that asks for (call_id, name, arguments) tool calls."""
    return [*(ProviderToolCall(*c) for c in calls), ProviderFinish("tool_calls")]


class ScriptedProvider:
    """Plays one scripted turn per request; fails loudly when the script runs out."""

    name = "scripted"

    def __init__(self, turns: Sequence[Sequence[Step]], delay_s: float = 0.0) -> None:
        self.turns = [list(t) for t in turns]
        self.requests: list[TurnRequest] = []
        self.delay_s = delay_s
        self.closed_early = 0

    async def stream_turn(self, request: TurnRequest) -> AsyncIterator[ProviderEvent]:
        """Replay the next turn of the script."""
        if len(self.requests) >= len(self.turns):
            raise AssertionError(f"script has {len(self.turns)} turns; a turn more was requested")
        self.requests.append(request)
        finished = False
        try:
            for step in self.turns[len(self.requests) - 1]:
                if isinstance(step, Pause):
                    step.reached.set()
                    await step.release.wait()
                elif isinstance(step, Fail):
                    raise step.error
                else:
                    if self.delay_s:
                        await asyncio.sleep(self.delay_s)
                    yield step
            finished = True
        finally:
            if not finished:
                self.closed_early += 1

    def assert_complete(self) -> None:
        """Every scripted turn was requested."""
        assert len(self.requests) == len(self.turns), (
            f"{len(self.turns) - len(self.requests)} scripted turns were never requested"
        )
