"""What the offline assistant offers to send next after a reply it understood, by what just
happened: after a change, undo it or go a degree further; after a reading, set it or ask
about another room. Each text is one the offline assistant itself understands and carries
out as it says (the catalogue's `follow_ups`, in the reply's language)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.assistant.providers.offline.plan import Call, Output
from app.assistant.understanding.context import Turn

Done = Sequence[tuple[Call, Output]]

# A value offered to "set it to" stays a degree inside the usual bounds (5 to 35 °C).
_HIGHEST_OFFERED_CELSIUS = 30

# As many room names as a "Which room?" offers to answer with.
_ROOMS_OFFERED = 3


class FollowUps:
    """The follow-ups of one language's catalogue."""

    def __init__(self, texts: dict[str, str], room_forms: Any) -> None:
        """The catalogue's `follow_ups` texts and its room forms (`RoomForms`)."""
        self._texts = texts
        self._rooms = room_forms

    def after(self, turn: Turn | None, done: Done, rooms: Sequence[str]) -> list[str]:
        """Two or three messages that fit what the turn did ([] where nothing fits)."""
        if turn is None or not turn.intents or turn.unknown_rooms or turn.held:
            return []
        if turn.needs_room:
            # Answers to "Which room?": a bare name completes the request that asked it.
            return [self._rooms.forms("room", room)["room"] for room in rooms[:_ROOMS_OFFERED]]
        last = len(turn.intents) - 1
        results = [output for call, output in done if call.intent == last]
        read = [output for output in results if "error" not in output and "room" in output]
        discussed = [str(output["room"]) for output in read]
        other = _other_room(discussed, rooms)
        match turn.intents[last].action:
            case "set" | "adjust":
                changed = [
                    o for o in read if o.get("previous_celsius", o["celsius"]) != o["celsius"]
                ]
                if changed:
                    up = changed[-1]["celsius"] > changed[-1]["previous_celsius"]
                    texts = [self._say("undo"), self._say("warmer" if up else "cooler")]
                    return texts + self._ask(other)
                return [*self._ask(discussed[0] if discussed else other), self._say("all")]
            case "read":
                if not read:
                    return [self._say("all")]
                return [self._say("set_it", celsius=_near(read[-1]["celsius"])), *self._ask(other)]
            case "undo":
                undone = [u for o in results for u in o.get("undone", [])]
                room = str(undone[0]["room"]) if undone else other
                return [*self._ask(room), self._say("all")]
            case "list_rooms":
                return [self._say("warmest"), self._say("coldest")]
            case "warmest_room":
                return [self._say("coldest"), self._say("all")]
            case "coldest_room" | "compare":
                return [self._say("warmest"), self._say("all")]
        return []

    def after_changes(
        self, changes: Sequence[tuple[str, float, float]], rooms: Sequence[str]
    ) -> list[str]:
        """For a reply the offline assistant did not write (a model's): from what its run
        changed alone, (room, before, after) in order; [] if it changed nothing. The room
        is named, since the offline assistant cannot tell which one "it" was."""
        changed = [(room, before, after) for room, before, after in changes if before != after]
        if not changed:
            return []
        room, before, after = changed[-1]
        forms = self._rooms.forms("room", room)
        further = self._say("warmer_room" if after > before else "cooler_room", **forms)
        discussed = [name for name, *_ in changed]
        return [self._say("undo"), further, *self._ask(_other_room(discussed, rooms))]

    def _say(self, key: str, **fields: Any) -> str:
        return self._texts[key].format(**fields)

    def _ask(self, room: str | None) -> list[str]:
        return [self._say("ask_room", **self._rooms.forms("room", room))] if room else []


def _other_room(discussed: Sequence[str], rooms: Sequence[str]) -> str | None:
    """The room after the one just discussed in the home's list (wrapping round), so the
    offer moves on through the home; None if the home has no other."""
    if not rooms:
        return None
    start = rooms.index(discussed[-1]) + 1 if discussed and discussed[-1] in rooms else 0
    for step in range(len(rooms)):
        room = rooms[(start + step) % len(rooms)]
        if room not in discussed:
            return room
    return None


def _near(celsius: float) -> int:
    """A whole number a degree from the value: up, unless that nears the top of the range."""
    value = round(float(celsius))
    return value + 1 if value + 1 <= _HIGHEST_OFFERED_CELSIUS else value - 1
