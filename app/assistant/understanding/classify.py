"""Question, command or unclear: decided before anything acts on a message.

A question only reads. A state-changing tool call made in answer to a question is held for
the person's approval (`app.assistant.tool_steps`), and the offline assistant only changes a
room for a command. Both decide with this module's code: the offline assistant through
`Understanding.read`, which `utterance_kind` calls too.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.assistant.understanding.intents import UtteranceKind
from app.assistant.understanding.parser import Understanding

__all__ = ["UtteranceKind", "is_question", "utterance_kind"]


def utterance_kind(text: str, language: str, rooms: Sequence[str]) -> UtteranceKind:
    """Whether the words ask something (question), ask for a change (command), or neither
    can be told from them alone (unclear: no hold, the model decides)."""
    return Understanding(language).read(text, rooms).kind


def is_question(text: str, language: str, rooms: Sequence[str]) -> bool:
    """True when a message asks something and asks for no change."""
    return utterance_kind(text, language, rooms) == "question"
