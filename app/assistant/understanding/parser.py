"""Understanding one message: Hearth's templates, then Home Assistant's climate sentences,
matched by hassil; then the same templates with any words as the room, which is how a room
Hearth lacks ("the attic") is noticed rather than misread."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from hassil import (
    Intents,
    RecognizeResult,
    SlotList,
    TextSlotList,
    WildcardSlotList,
    recognize_all,
    recognize_best,
)

from app.assistant.understanding.grammar import (
    Grammar,
    UnsupportedLanguage,
    check_language,
    grammar,
)
from app.assistant.understanding.intents import Action, Intent, Utterance
from app.assistant.understanding.kinds import decide_kind, shape_of
from app.assistant.understanding.spoken_numbers import with_digits

logger = logging.getLogger(__name__)

__all__ = ["Understanding", "UnsupportedLanguage"]

_ACTIONS: dict[str, Action] = {
    "HearthRead": "read",
    "HearthListRooms": "list_rooms",
    "HearthWarmestRoom": "warmest_room",
    "HearthColdestRoom": "coldest_room",
    "HearthCompare": "compare",
    "HearthSetTemperature": "set",
    "HearthAdjustTemperature": "adjust",
    "HearthFollowUp": "follow_up",
    "HearthUndo": "undo",
    "HassClimateGetTemperature": "read",
    "HassClimateSetTemperature": "set",
}

_AREA_SLOTS = ("area", "area_2", "area_3")

# Longer "room names" are sentences the templates failed to read, not rooms.
_MAX_ROOM_WORDS = 3

# HA's room-less sentences ("what's the temperature [in here]") require the asking
# device's area from context. A chat has no area, so this placeholder satisfies them and
# is read as "no room named".
_UNNAMED_AREA = "<unnamed area>"

# HA's templates also reference device names and floors, which Hearth lacks; hassil
# raises on a list it is not given, so they are passed empty.
_EMPTY_HA_LISTS: dict[str, SlotList] = {
    "name": TextSlotList(name="name", values=[]),
    "floor": TextSlotList(name="floor", values=[]),
}


def fahrenheit_to_celsius(fahrenheit: float) -> float:
    """68 -> 20.0, in the tenths a thermostat steps in."""
    return round((fahrenheit - 32) * 5 / 9, 1)


class Understanding:
    """Reads one message: its kind and its intents, for the home's room names."""

    def __init__(self, language: str = "en") -> None:
        """Check the language is supported; the sentence data loads on first use."""
        check_language(language)
        self._language = language

    @property
    def language(self) -> str:
        """The language messages are read in."""
        return self._language

    def warm_up(self) -> None:
        """Load the sentences and build the grammar now (about a second), so the first person
        to ask is not the one who waits for it."""
        text, room = grammar(self._language).warm_up
        self._read(text, (room,))

    def read(self, text: str, room_names: Sequence[str]) -> Utterance:
        """The message on its own: what kind it is, what it asks for, which rooms it names."""
        # A conversation's earlier messages are read again on every turn: remember them.
        return _read(self._language, text, tuple(room_names))

    def _read(self, text: str, room_names: Sequence[str]) -> Utterance:
        words = grammar(self._language)
        intents = self.parse(text, room_names)
        kind = decide_kind(text, shape_of(text, words.shapes), intents)
        mentioned = () if intents else self._mentions(text, room_names)
        return Utterance(text, kind, intents, mentioned)

    def parse(self, text: str, room_names: Sequence[str]) -> tuple[Intent, ...]:
        """The intents of one message, or () if it is not understood."""
        text = with_digits(text, self._language)  # as dictated: "nineteen and a half"
        rooms = _room_list(grammar(self._language), room_names)
        result = self._recognize(text, rooms, guessing=False)
        if result is not None:
            return _to_intents(result, room_names, ())
        # Nothing fits the known rooms: perhaps a room the home lacks.
        articles = grammar(self._language).articles
        guesses = [g for g in self._guesses(text) if self._is_plausible(g, room_names)]
        if guesses:
            # The reading that finds the most known rooms and the fewest unknown words.
            best = min(guesses, key=lambda guess: _guess_score(guess, room_names, articles))
            return _to_intents(best, room_names, articles)
        logger.debug("Not understood: %r", text)
        return ()

    def _is_plausible(self, guess: RecognizeResult, room_names: Sequence[str]) -> bool:
        """A guessed room is a short name holding no known room and no word that is not a
        room ("is the kitchen set", "it was", "the heat")."""
        words = grammar(self._language)
        slots = {name: entity.value for name, entity in guess.entities.items()}
        _, unknown = _rooms(slots, room_names, words.articles)
        known = [room.casefold().split() for room in room_names]
        for name in unknown:
            said = name.casefold().split()
            if len(said) > _MAX_ROOM_WORDS or said[0] in words.not_rooms:
                return False
            if said[-1] in words.articles:
                return False
            if any(_contains(said, room) for room in known):
                return False
        return True

    def _guesses(self, text: str) -> list[RecognizeResult]:
        """Every reading of the words with any words as a room."""
        words = grammar(self._language)
        rooms = WildcardSlotList("area")
        if words.meaning is not None:
            found = list(
                recognize_all(
                    text,
                    words.meaning,
                    slot_lists={"area": rooms},
                    expansion_rules=words.guessing_rules,
                    intent_context={"rooms": "guessed"},
                )
            )
            if found:
                return found
        result = self._recognize(text, rooms, guessing=True)
        return [result] if result is not None else []

    def _recognize(self, text: str, rooms: SlotList, guessing: bool) -> RecognizeResult | None:
        # Hearth's templates go first: they are written for Hearth's wording and accept
        # tenths ("19.3") where HA's temperature range only has halves.
        words = grammar(self._language)
        if words.meaning is not None:
            result = recognize_best(
                text,
                words.meaning,
                slot_lists={"area": rooms},
                expansion_rules=words.guessing_rules if guessing else None,
                intent_context={"rooms": "guessed"} if guessing else None,
            )
            if result is not None:
                return result
        if words.home_assistant is not None:
            return recognize_best(
                text,
                words.home_assistant,
                slot_lists={**_EMPTY_HA_LISTS, "area": rooms},
                intent_context={"area": {"value": _UNNAMED_AREA}},
            )
        return None

    def _mentions(self, text: str, room_names: Sequence[str]) -> tuple[str, ...]:
        """The known rooms named anywhere in the words, in the order of the home's list."""
        mentions: Intents | None = grammar(self._language).mentions
        if mentions is None or not room_names:
            return ()
        rooms = _room_list(grammar(self._language), room_names)
        found = {
            str(result.entities["area"].value)
            for result in recognize_all(text, mentions, slot_lists={"area": rooms})
            if "area" in result.entities
        }
        return tuple(room for room in room_names if room in found)


def _room_list(words: Grammar, room_names: Sequence[str]) -> TextSlotList:
    """The home's rooms as hassil's {area} list, each also under the language's shorter
    names for it ("Bad" for a room called "Badezimmer") that name no other room."""
    said: list[tuple[str, str]] = [(room, room) for room in room_names]
    taken = {room.casefold() for room in room_names}
    for room in room_names:
        for alias in words.room_aliases.get(room.casefold(), ()):
            if alias.casefold() not in taken:
                taken.add(alias.casefold())
                said.append((alias, room))
    return TextSlotList.from_tuples(said, allow_template=False, name="area")


@lru_cache(maxsize=2048)
def _read(language: str, text: str, room_names: tuple[str, ...]) -> Utterance:
    return Understanding(language)._read(text, room_names)


def _to_intents(
    result: RecognizeResult, room_names: Sequence[str], articles: Sequence[str]
) -> tuple[Intent, ...]:
    """Hearth's intents from hassil's slots."""
    slots: dict[str, Any] = {name: entity.value for name, entity in result.entities.items()}
    action = _ACTIONS[result.intent.name]
    rooms, unknown = _rooms(slots, room_names, articles)
    every = slots.get("every") == "every"
    fahrenheit = slots.get("unit") == "f"
    base = Intent(action, rooms, every_room=every, unknown_rooms=unknown)
    match action:
        case "set":
            value = _value(slots)
            if "temperature_2" in slots and len(rooms) == 2 and not unknown:
                second = float(slots["temperature_2"])
                return (
                    Intent("set", rooms[:1], celsius=value),
                    Intent("set", rooms[1:], celsius=second),
                )
            if fahrenheit:
                return (_with(base, celsius=fahrenheit_to_celsius(value), fahrenheit=value),)
            return (_with(base, celsius=value),)
        case "adjust":
            delta = float(slots.get("delta", 1))
            if fahrenheit:
                delta = round(delta * 5 / 9, 1)
            return (_with(base, delta_celsius=float(slots["direction"]) * delta),)
        case "compare":
            return (_with(base, delta_celsius=float(slots["direction"])),)
        case "follow_up":
            return (_with(base, repeat=bool(slots.get("repeat"))),)
        case "read" if every:
            return (Intent("list_rooms"),)
    return (base,)


def _guess_score(
    result: RecognizeResult, room_names: Sequence[str], articles: Sequence[str]
) -> tuple[int, int, int]:
    slots = {name: entity.value for name, entity in result.entities.items()}
    known, unknown = _rooms(slots, room_names, articles)
    return (-len(known), sum(len(name.split()) for name in unknown), -len(result.entities))


def _value(slots: dict[str, Any]) -> float:
    if "negative" in slots:
        return -float(slots["negative"])
    return float(slots["temperature"])


def _with(intent: Intent, **changes: Any) -> Intent:
    return Intent(**{**intent.__dict__, **changes})


def _rooms(
    slots: dict[str, Any], room_names: Sequence[str], articles: Sequence[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The known rooms (in their canonical spelling) and the unknown names, in the order
    said. A wildcard match may still name a known room ("the kitchen and the attic")."""
    known: list[str] = []
    unknown: list[str] = []
    by_key = {room.casefold(): room for room in room_names}
    for slot in _AREA_SLOTS:
        value = slots.get(slot)
        if value is None or value == _UNNAMED_AREA:
            continue
        name = _without_articles(str(value), articles)
        room = by_key.get(name.casefold())
        if room is None:
            unknown.append(name)
        elif room not in known:
            known.append(room)
    return tuple(known), tuple(unknown)


def _contains(words: list[str], part: list[str]) -> bool:
    return any(words[i : i + len(part)] == part for i in range(len(words) - len(part) + 1))


def _without_articles(name: str, articles: Sequence[str]) -> str:
    words = name.split()
    while len(words) > 1 and words[0].casefold() in articles:
        words = words[1:]
    return " ".join(words)
