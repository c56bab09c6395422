"""The offline assistant: understands with hassil, acts only through tool calls, streams replies."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence

from app.assistant.conversation import ToolCallItem, ToolResultItem, UserText
from app.assistant.providers.base import (
    ProviderEvent,
    ProviderFinish,
    ProviderSuggestions,
    ProviderText,
    ProviderToolCall,
    TurnRequest,
)
from app.assistant.providers.offline import replies
from app.assistant.providers.offline.understanding import Intent, Understanding

RoomNames = Callable[[], Awaitable[list[str]]]

# Words and the spaces after them: a reply streams a word at a time, like a model's tokens.
_CHUNKS = re.compile(r"\S+\s*|\s+")


class OfflineProvider:
    """A provider that needs no model: intent matching over the conversation's last request."""

    name = "offline"

    def __init__(
        self, understanding: Understanding, room_names: RoomNames, chunk_delay_s: float = 0.02
    ) -> None:
        self.understanding = understanding
        self.room_names = room_names
        self.chunk_delay_s = chunk_delay_s

    async def stream_turn(self, request: TurnRequest) -> AsyncIterator[ProviderEvent]:
        """Either ask for the next tool call of the plan, or stream the reply."""
        rooms = await self.room_names()
        asked, results = _current_turn(request)
        intent = self._resolve(asked, rooms)
        call = _next_call(intent, results)
        if call is not None:
            name, arguments = call
            yield ProviderToolCall(f"call_{uuid.uuid4().hex[:16]}", name, json.dumps(arguments))
            yield ProviderFinish("tool_calls")
            return
        for chunk in _CHUNKS.findall(replies.reply(intent, results, rooms)):
            if self.chunk_delay_s:
                await asyncio.sleep(self.chunk_delay_s)
            yield ProviderText(chunk)
        if intent is None:
            yield ProviderSuggestions(replies.EXAMPLES)
        yield ProviderFinish("stop")

    def _resolve(self, asked: Sequence[str], rooms: list[str]) -> Intent | None:
        """The intent of the newest request; a follow-up borrows the one before it."""
        if not asked:
            return None
        intent = self.understanding.parse(asked[-1], rooms)
        if intent is None or intent.kind != "follow_up":
            return intent
        for earlier in reversed(asked[:-1]):
            previous = self.understanding.parse(earlier, rooms)
            if previous is not None and previous.kind in (
                "get_temperature",
                "set_temperature",
                "adjust_temperature",
            ):
                return Intent(previous.kind, intent.room, previous.celsius, previous.delta_celsius)
        return Intent("get_temperature", intent.room)


def _current_turn(request: TurnRequest) -> tuple[list[str], list[tuple[str, dict]]]:
    """Every user text so far, and the (tool, output) results since the newest one."""
    asked = [item.text for item in request.items if isinstance(item, UserText)]
    results: list[tuple[str, dict]] = []
    for item in reversed(request.items):
        if isinstance(item, UserText):
            break
        if isinstance(item, ToolResultItem):
            results.insert(0, (item.name, json.loads(item.output)))
        elif isinstance(item, ToolCallItem):
            continue
    return asked, results


def _next_call(intent: Intent | None, results: list[tuple[str, dict]]) -> tuple[str, dict] | None:
    """The plan: which tool to call next for this intent, given the results so far."""
    if intent is None or any("error" in output for _, output in results):
        return None
    done = {name for name, _ in results}
    match intent.kind:
        case "list_rooms" | "warmest_room" | "coldest_room" if "list_rooms" not in done:
            return "list_rooms", {}
        case "get_temperature" if intent.room and "get_room_temperature" not in done:
            return "get_room_temperature", {"room": intent.room}
        case "set_temperature" if intent.room and "set_room_temperature" not in done:
            return "set_room_temperature", {"room": intent.room, "celsius": intent.celsius}
        case "adjust_temperature" if intent.room:
            if "get_room_temperature" not in done:
                return "get_room_temperature", {"room": intent.room}
            if "set_room_temperature" not in done:
                current = next(o for n, o in results if n == "get_room_temperature")["celsius"]
                target = round(current + (intent.delta_celsius or 0), 1)
                return "set_room_temperature", {"room": intent.room, "celsius": target}
    return None
