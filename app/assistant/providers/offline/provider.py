"""The offline assistant: understands with hassil, acts only through tool calls, streams replies.

Every message is first classified as a question or a command (`app.assistant.understanding`,
the same code that holds a model's changes made in answer to a question); only a command's
turn plans a state-changing call.
"""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

from app.assistant.conversation import ToolResultItem, UserText
from app.assistant.files.message import AttachedFile
from app.assistant.providers.base import (
    ProviderEvent,
    ProviderFinish,
    ProviderSuggestions,
    ProviderText,
    ProviderToolCall,
    TurnRequest,
)
from app.assistant.providers.offline.documents import with_documents
from app.assistant.providers.offline.plan import Output, first_round, second_round
from app.assistant.providers.offline.replies import Replies
from app.assistant.understanding.context import Turn, resolve
from app.assistant.understanding.parser import Understanding

RoomNames = Callable[[], Awaitable[list[str]]]

# Words and the spaces after them: a reply streams a word at a time, like a model's tokens.
_CHUNKS = re.compile(r"\S+\s*|\s+")

# Follow-ups reach back a few messages at most; older ones are not read again.
_CONTEXT_MESSAGES = 6


class OfflineProvider:
    """A provider that needs no model: intent matching over the conversation's requests."""

    name = "offline"

    def __init__(
        self, understanding: Understanding, room_names: RoomNames, chunk_delay_s: float = 0.02
    ) -> None:
        self.understanding = understanding
        self.replies = Replies(understanding.language)
        self.room_names = room_names
        self.chunk_delay_s = chunk_delay_s

    async def stream_turn(self, request: TurnRequest) -> AsyncIterator[ProviderEvent]:
        """Either ask for the next round of tool calls of the plan, or stream the reply."""
        rooms = await self._rooms(request)
        asked, outputs = _current_turn(request)
        files = _newest_files(request)
        turn = with_documents(self.turn(asked, rooms), files, rooms)
        first = first_round(turn, rooms)
        done = list(zip(first, outputs, strict=False))
        second = second_round(turn, done) if len(outputs) >= len(first) else []
        pending = first if not outputs else second if len(outputs) == len(first) else []
        if pending:
            for call in pending:
                arguments = json.dumps(call.arguments)
                yield ProviderToolCall(f"call_{uuid.uuid4().hex[:16]}", call.tool, arguments)
            yield ProviderFinish("tool_calls")
            return
        done += list(zip(second, outputs[len(first) :], strict=False))
        # The first word at once; the pause is between words, as a model's tokens come.
        reply = self.replies.reply(turn, done, rooms)
        if any(file.is_image for file in files):
            unseen = self.replies.say("cannot_see_images")
            reply = f"{unseen} {reply}" if turn is not None and turn.intents else unseen
        for index, chunk in enumerate(_CHUNKS.findall(reply)):
            if index and self.chunk_delay_s:
                await asyncio.sleep(self.chunk_delay_s)
            yield ProviderText(chunk)
        if offered := self.replies.offered(turn, done, rooms):
            yield ProviderSuggestions(tuple(offered))
        yield ProviderFinish("stop")

    async def understands(self, request: TurnRequest) -> bool:
        """Whether the newest request is understood with confidence: something to do (or a
        room to ask for), not help for words not understood, not a room read for want of
        better, not a guess at a room the home lacks. The hybrid sends the rest to a model."""
        asked, _ = _current_turn(request)
        files = _newest_files(request)
        if any(file.is_image for file in files):
            return False  # a model may see it; this assistant can't
        rooms = await self._rooms(request)
        turn = with_documents(self.turn(asked, rooms), files, rooms)
        return (
            turn is not None
            and bool(turn.intents)
            and not turn.only_rooms_understood
            and not turn.unknown_rooms
        )

    async def _rooms(self, request: TurnRequest) -> list[str]:
        """The room names the request carries (its run read them), or else as stored now."""
        if request.room_names is not None:
            return list(request.room_names)
        return await self.room_names()

    def turn(self, asked: list[str], rooms: list[str]) -> Turn | None:
        """The newest message's turn, read in the light of the few before it."""
        recent = asked[-_CONTEXT_MESSAGES:]
        return resolve([self.understanding.read(text, rooms) for text in recent])


def _newest_files(request: TurnRequest) -> tuple[AttachedFile, ...]:
    """The files the newest user message carries."""
    for item in reversed(request.items):
        if isinstance(item, UserText):
            return item.files
    return ()


def _current_turn(request: TurnRequest) -> tuple[list[str], list[Output]]:
    """Every user text so far, and the tool outputs since the newest one, in call order."""
    asked = [item.text for item in request.items if isinstance(item, UserText)]
    outputs: list[Output] = []
    for item in reversed(request.items):
        if isinstance(item, UserText):
            break
        if isinstance(item, ToolResultItem):
            outputs.insert(0, json.loads(item.output))
    return asked, outputs
