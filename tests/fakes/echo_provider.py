"""The offline assistant plus one test hook: "/say TEXT" makes the assistant say TEXT verbatim.

Browser tests use it to show what the assistant's markdown does with raw HTML and
`javascript:` links, which the offline assistant never writes by itself. "/offer TEXT" says
TEXT too, and then, asked for follow-ups as a model is after its reply
(app/assistant/follow_ups.py), suggests ECHO_FOLLOW_UPS a while later
(ECHO_FOLLOW_UPS_DELAY_S), so a browser sees them arrive after the run has ended.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from typing import Any

from app.assistant.conversation import UserText
from app.assistant.follow_ups import FOLLOW_UP_INSTRUCTIONS
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
_OFFER = "/offer "

ECHO_FOLLOW_UPS = ("Which room is warmest?", "List the rooms")
ECHO_FOLLOW_UPS_DELAY_S = 0.5


class EchoOrOffline:
    """Says "/say" messages back word by word; hands everything else to the offline assistant."""

    name = "offline"
    suggests_follow_ups = True

    def __init__(self, offline: Provider, delay_s: float = 0.0) -> None:
        self.offline, self.delay_s = offline, delay_s

    async def stream_turn(self, request: TurnRequest) -> AsyncIterator[ProviderEvent]:
        """Echo or delegate."""
        asked = next((i.text for i in reversed(request.items) if isinstance(i, UserText)), "")
        if request.instructions == FOLLOW_UP_INSTRUCTIONS:
            if asked.startswith(f"The person said: {_OFFER}"):
                await asyncio.sleep(ECHO_FOLLOW_UPS_DELAY_S)
                yield ProviderText(json.dumps({"follow_ups": list(ECHO_FOLLOW_UPS)}))
            yield ProviderFinish("stop")
            return
        said = next((asked.removeprefix(p) for p in (_SAY, _OFFER) if asked.startswith(p)), None)
        if said is None:
            async for event in self.offline.stream_turn(request):
                yield event
            return
        for chunk in re.findall(r"\S+\s*|\s+", said):
            yield ProviderText(chunk)
            await asyncio.sleep(self.delay_s)
        yield ProviderFinish("stop")


def build(settings: Settings, sessions: Any) -> EchoOrOffline:
    """HEARTH_PROVIDER_FACTORY=tests.fakes.echo_provider:build"""
    offline = build_provider(settings.model_copy(update={"provider_factory": ""}), sessions)
    # Paced like the offline assistant's words, so a long "/say" is long enough to reload.
    return EchoOrOffline(offline, settings.offline_chunk_delay_s)
