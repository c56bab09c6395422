"""Question or command: decided before anything acts on a message.

A question only reads. A state-changing tool call made in answer to a question is held for
the person's approval (`app.assistant.tool_steps`), and the offline assistant only changes a
room for a command.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from app.assistant.providers.offline.understanding import Understanding

UtteranceKind = Literal["question", "command", "unclear"]

_READS = {"get_temperature", "list_rooms", "warmest_room", "coldest_room", "follow_up"}
_CHANGES = {"set_temperature", "adjust_temperature"}
# A polite request is phrased as a question but asks for an action.
_REQUEST_OPENINGS = ("can you ", "could you ", "would you ", "will you ", "please ")


def utterance_kind(text: str, language: str, rooms: Sequence[str]) -> UtteranceKind:
    """Whether the words ask something (question), ask for a change (command), or neither
    can be told (unclear: no hold, the model decides)."""
    intent = Understanding(language).parse(text, rooms)
    if intent is not None and intent.kind in _CHANGES:
        return "command"
    if intent is not None and intent.kind in _READS:
        return "question"
    words = " ".join(text.lower().split())
    if words.endswith("?") and not words.startswith(_REQUEST_OPENINGS):
        return "question"
    return "unclear"


def is_question(text: str, language: str, rooms: Sequence[str]) -> bool:
    """True when a message asks something and asks for no change."""
    return utterance_kind(text, language, rooms) == "question"
