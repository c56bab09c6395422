"""The offline assistant plus one test hook: "/say TEXT" makes the assistant say TEXT verbatim.

Browser tests use it to show what the assistant's markdown does with raw HTML and
`javascript:` links, which the offline assistant never writes by itself.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from typing import Any

from app.assistant.conversation import UserText
from app.assistant.providers.base import (
    Provider,
    ProviderEvent,
    ProviderFinish,
    ProviderText,
    TurnRequest,
)
from app.services import build_provider
from app.settings import Settings

_SAY = "/say "


class EchoOrOffline:
    """Says "/say" messages back word by word; hands everything else to the offline assistant."""

    name = "offline"

    def __init__(self, offline: Provider, delay_s: float = 0.0) -> None:
        self.offline, self.delay_s = offline, delay_s

    async def stream_turn(self, request: TurnRequest) -> AsyncIterator[ProviderEvent]:
        """Echo or delegate."""
        asked = next((i.text for i in reversed(request.items) if isinstance(i, UserText)), "")
        if not asked.startswith(_SAY):
            async for event in self.offline.stream_turn(request):
                yield event
            return
        for chunk in re.findall(r"\S+\s*|\s+", asked.removeprefix(_SAY)):
            yield ProviderText(chunk)
            await asyncio.sleep(self.delay_s)
        yield ProviderFinish("stop")


def build(settings: Settings, sessions: Any) -> EchoOrOffline:
    """HEARTH_PROVIDER_FACTORY=tests.fakes.echo_provider:build"""
    offline = build_provider(settings.model_copy(update={"provider_factory": ""}), sessions)
    # Paced like the offline assistant's words, so a long "/say" is long enough to reload.
    return EchoOrOffline(offline, settings.offline_chunk_delay_s)
