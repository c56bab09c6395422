"""Offline understanding: Home Assistant's sentences plus Hearth's own templates, via hassil."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from hassil import Intents, RecognizeResult, SlotList, TextSlotList, recognize_best
from home_assistant_intents import get_intents, get_languages

logger = logging.getLogger(__name__)

IntentKind = Literal[
    "get_temperature",
    "set_temperature",
    "adjust_temperature",
    "list_rooms",
    "warmest_room",
    "coldest_room",
    "follow_up",
]

_SENTENCES_DIR = Path(__file__).parent / "sentences"

# Only HA's climate intents are loaded: Hearth has nothing but thermostats, so
# anything else HA recognises ("turn on the lights", the weather, music, and
# "set kitchen to 19" read as a brightness) would be a false positive to refuse.
_HA_KINDS: dict[str, IntentKind] = {
    "HassClimateGetTemperature": "get_temperature",
    "HassClimateSetTemperature": "set_temperature",
}
_HEARTH_KINDS: dict[str, IntentKind] = {
    "HearthListRooms": "list_rooms",
    "HearthWarmestRoom": "warmest_room",
    "HearthColdestRoom": "coldest_room",
    "HearthSetTemperature": "set_temperature",
    "HearthAdjustTemperature": "adjust_temperature",
    "HearthFollowUp": "follow_up",
}

# HA's room-less sentences ("what's the temperature [in here]") require the
# asking device's area from context. A chat has no area, so this placeholder
# satisfies them and is reported as "no room named".
_UNNAMED_AREA = "<unnamed area>"

# HA's templates also reference device names and floors, which Hearth lacks;
# hassil raises on a list it is not given, so they are passed empty.
_EMPTY_HA_LISTS: dict[str, SlotList] = {
    "name": TextSlotList(name="name", values=[]),
    "floor": TextSlotList(name="floor", values=[]),
}


@dataclass(frozen=True)
class Intent:
    """What the user asked for, with the room and numbers it names."""

    kind: IntentKind
    room: str | None = None  # spelled as in room_names; None when no room was named
    celsius: float | None = None  # set_temperature's target
    delta_celsius: float | None = None  # adjust_temperature's change: +2.0 warmer, -1.0 cooler


class UnsupportedLanguage(ValueError):
    """Raised for a language with neither Home Assistant sentences nor Hearth templates."""


def _hearth_languages() -> set[str]:
    """Languages Hearth ships its own templates for."""
    return {path.stem for path in _SENTENCES_DIR.glob("*.yaml")}


@cache
def _hearth_intents(language: str) -> Intents | None:
    """Hearth's templates for a language, parsed once."""
    path = _SENTENCES_DIR / f"{language}.yaml"
    if not path.is_file():
        return None
    with path.open(encoding="utf-8") as yaml_file:
        return Intents.from_yaml(yaml_file)


@cache
def _ha_intents(language: str) -> Intents | None:
    """Home Assistant's climate intents for a language, with its rules and lists, parsed once."""
    data = get_intents(language)
    if data is None:
        return None
    climate = {name: body for name, body in data["intents"].items() if name in _HA_KINDS}
    if not climate:
        logger.warning("Home Assistant has no climate sentences for %r", language)
        return None
    return Intents.from_dict({**data, "intents": climate})


class Understanding:
    """Parses one user utterance into an Intent using HA's sentences plus Hearth's templates."""

    def __init__(self, language: str = "en") -> None:
        """Check the language is supported; the sentence data loads on first parse."""
        supported = sorted(set(get_languages()) | _hearth_languages())
        if language not in supported:
            raise UnsupportedLanguage(
                f"Language {language!r} is not supported; "
                f"supported languages: {', '.join(supported)}"
            )
        self._language = language

    @property
    def language(self) -> str:
        """The language utterances are parsed in."""
        return self._language

    def parse(self, text: str, room_names: Sequence[str]) -> Intent | None:
        """Return the intent of one utterance, or None if it is not understood."""
        rooms = TextSlotList.from_strings(room_names, allow_template=False, name="area")
        # Hearth's templates go first: they are written for Hearth's wording and
        # accept tenths ("19.3") where HA's temperature range only has halves.
        hearth = _hearth_intents(self._language)
        if hearth is not None:
            result = recognize_best(text, hearth, slot_lists={"area": rooms}, best_slot_name="area")
            if result is not None:
                return _to_intent(_HEARTH_KINDS[result.intent.name], result)
        ha = _ha_intents(self._language)
        if ha is not None:
            result = recognize_best(
                text,
                ha,
                slot_lists={**_EMPTY_HA_LISTS, "area": rooms},
                intent_context={"area": {"value": _UNNAMED_AREA}},
                best_slot_name="area",
            )
            if result is not None:
                return _to_intent(_HA_KINDS[result.intent.name], result)
        logger.debug("Not understood: %r", text)
        return None


def _to_intent(kind: IntentKind, result: RecognizeResult) -> Intent:
    """Build Hearth's intent from hassil's slots."""
    slots: dict[str, Any] = {name: entity.value for name, entity in result.entities.items()}
    area = slots.get("area")
    room = None if area in (None, _UNNAMED_AREA) else str(area)
    if kind == "set_temperature":
        return Intent(kind, room, celsius=float(slots["temperature"]))
    if kind == "adjust_temperature":
        return Intent(kind, room, delta_celsius=float(slots["sign"]) * float(slots["delta"]))
    return Intent(kind, room)
