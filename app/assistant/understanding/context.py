"""A message in its conversation: follow-ups borrow rooms and values from the turn before,
never the decision to change something.

- "and the bedroom?" after "set the kitchen to 19" reads the bedroom: a question reads.
- "the bathroom too" after it sets the bathroom to 19: "too" asks for the same again.
- "the kitchen" after "Which room?" (asked of a command) completes that command.
- "make it warmer" after talking about the kitchen warms the kitchen.
A question never keeps a change: whatever it seemed to ask for is only read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from app.assistant.understanding.intents import Intent, Utterance, UtteranceKind


@dataclass(frozen=True)
class Turn:
    """What to do for one message, the conversation before it taken into account."""

    utterance: Utterance
    kind: UtteranceKind
    intents: tuple[Intent, ...]  # () when nothing was understood
    only_rooms_understood: bool = False  # a question naming rooms, read for want of better
    held: bool = False  # a question whose words asked for a change: only read

    @property
    def needs_room(self) -> bool:
        """True when an intent names no room and none could be borrowed: ask which."""
        return any(
            not intent.names_a_room
            for intent in self.intents
            if intent.action in ("read", "set", "adjust")
        )

    @property
    def unknown_rooms(self) -> tuple[str, ...]:
        """Names said that match no room."""
        return tuple(name for intent in self.intents for name in intent.unknown_rooms)

    @property
    def is_clarification(self) -> bool:
        """True when the assistant must ask before doing anything."""
        return self.needs_room or bool(self.unknown_rooms)


def resolve(utterances: Sequence[Utterance]) -> Turn | None:
    """The newest message's turn, each earlier message resolved in its own turn first."""
    turn: Turn | None = None
    context: Turn | None = None  # the newest turn that understood something
    for utterance in utterances:
        turn = _resolve_one(utterance, turn, context)
        if turn.intents:
            context = turn
    return turn


def _resolve_one(utterance: Utterance, previous: Turn | None, context: Turn | None) -> Turn:
    kind = utterance.kind
    if not utterance.intents:
        # Reading the rooms named is harmless, and perhaps what was asked.
        if kind != "command" and utterance.mentioned_rooms:
            read = Intent("read", utterance.mentioned_rooms)
            return Turn(utterance, "question", (read,), only_rooms_understood=True)
        return Turn(utterance, kind, ())
    before = context.intents[-1] if context is not None else None
    # A command that could not be carried out for want of a room waits for one.
    waiting = previous is not None and previous.kind == "command" and previous.is_clarification
    intents: list[Intent] = []
    for intent in utterance.intents:
        if intent.action == "follow_up":
            intent, kind = _follow_up(intent, kind, before, waiting)
        elif intent.action in ("read", "set", "adjust") and not intent.names_a_room:
            intent = _borrow_rooms(intent, before)
        intents.append(intent)
    if kind == "unclear":
        kind = "command" if any(intent.changes for intent in intents) else "question"
    held = kind == "question" and any(intent.changes for intent in intents)
    if kind == "question":
        intents = [intent.as_read() if intent.changes else intent for intent in intents]
    return Turn(utterance, kind, tuple(intents), held=held)


def _follow_up(
    intent: Intent, kind: UtteranceKind, before: Intent | None, waiting: bool
) -> tuple[Intent, UtteranceKind]:
    """What a follow-up naming rooms asks: the same again (a command only when its own words
    say so), the answer to "which room?", or a reading of those rooms."""
    rooms = Intent("read", intent.rooms, every_room=intent.every_room)
    rooms = replace(rooms, unknown_rooms=intent.unknown_rooms)
    if before is None or kind == "question":
        return rooms, "question"
    if before.action in ("set", "adjust") and (intent.repeat or waiting or kind == "command"):
        again = before.with_rooms(intent.rooms, intent.every_room)
        return replace(again, unknown_rooms=intent.unknown_rooms), "command"
    return rooms, "question"


def _borrow_rooms(intent: Intent, before: Intent | None) -> Intent:
    """A room-less intent takes the rooms of the turn before, when it named any."""
    if before is None or not (before.rooms or before.every_room):
        return intent
    if before.action not in ("read", "set", "adjust", "compare"):
        return intent
    return intent.with_rooms(before.rooms, before.every_room)
