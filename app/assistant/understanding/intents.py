"""What a message means: its kind (question or command) and the intents it holds."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

UtteranceKind = Literal["question", "command", "unclear"]

Action = Literal[
    "read",  # read the rooms' temperatures
    "set",  # set the rooms to `celsius`
    "adjust",  # change the rooms by `delta_celsius`
    "list_rooms",
    "warmest_room",
    "coldest_room",
    "compare",  # which of two rooms is warmer (`delta_celsius` > 0) or colder (< 0)
    "follow_up",  # names rooms; the rest comes from the turn before
    "undo",  # undo the thread's last change (through the ledger's undo)
]

CHANGES: frozenset[Action] = frozenset({"set", "adjust", "undo"})


@dataclass(frozen=True)
class Intent:
    """One thing asked for, with the rooms and numbers it names."""

    action: Action
    rooms: tuple[str, ...] = ()  # spelled as in the home's room names; () when none named
    celsius: float | None = None  # a set's target
    delta_celsius: float | None = None  # an adjust's change: +2.0 warmer, -1.0 cooler
    every_room: bool = False  # "all rooms", "everywhere"
    unknown_rooms: tuple[str, ...] = ()  # names that match no room ("attic")
    fahrenheit: float | None = None  # the value as said, when it was said in °F
    repeat: bool = False  # a follow-up saying "too" or "as well": the same again

    @property
    def changes(self) -> bool:
        """True when this intent, carried out, changes a room."""
        return self.action in CHANGES

    @property
    def names_a_room(self) -> bool:
        """True when the words say which rooms (known or not)."""
        return bool(self.rooms or self.every_room or self.unknown_rooms)

    def with_rooms(self, rooms: tuple[str, ...], every_room: bool = False) -> Intent:
        """The same intent for other rooms."""
        return replace(self, rooms=rooms, every_room=every_room, unknown_rooms=())

    def as_read(self) -> Intent:
        """What a question about this intent asks: the rooms' temperatures, nothing changed."""
        if self.every_room or self.action in ("list_rooms", "undo"):
            return Intent("list_rooms")
        return Intent("read", self.rooms, unknown_rooms=self.unknown_rooms)


@dataclass(frozen=True)
class Utterance:
    """One message as understood on its own, before the conversation is taken into account."""

    text: str
    kind: UtteranceKind
    intents: tuple[Intent, ...] = ()  # () when the words were not understood
    mentioned_rooms: tuple[str, ...] = ()  # rooms named anywhere in the words

    @property
    def understood(self) -> bool:
        """True when the words matched a sentence template."""
        return bool(self.intents)
