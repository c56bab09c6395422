"""The sentence data of a language, loaded once: Hearth's templates (sentences/<language>.yaml)
and Home Assistant's climate intents, as hassil `Intents`."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml
from hassil import Intents
from hassil.expression import Sentence
from hassil.parse_expression import parse_sentence
from home_assistant_intents import get_intents

from app.assistant.understanding.languages import (
    SENTENCES_DIR,
    UnsupportedLanguage,
    check_language,
    supported_languages,
)

logger = logging.getLogger(__name__)

# Only HA's climate intents are loaded: Hearth has nothing but thermostats, so anything
# else HA recognises ("turn on the lights", the weather, and "set kitchen to 19" read as a
# brightness) would be a false positive to refuse.
HA_INTENTS = ("HassClimateGetTemperature", "HassClimateSetTemperature")


@dataclass(frozen=True)
class Grammar:
    """Everything a language's understanding matches against."""

    language: str
    meaning: Intents | None  # Hearth's templates: what a message means
    shapes: Intents | None  # question or command, from the form alone
    mentions: Intents | None  # the rooms named anywhere
    guessing_rules: dict[str, Sentence]  # expansion rules replaced while guessing a room
    articles: tuple[str, ...]  # dropped from the front of an unknown room's name
    not_rooms: tuple[str, ...]  # a guessed room name starting with one is no room
    home_assistant: Intents | None  # HA's climate sentences
    room_aliases: dict[str, tuple[str, ...]]  # a room's name -> shorter names people use
    warm_up: tuple[str, str]  # a message and the room it names, read to load the data


__all__ = ["Grammar", "UnsupportedLanguage", "check_language", "grammar", "supported_languages"]


@cache
def grammar(language: str) -> Grammar:
    """The language's sentence data, parsed on first use."""
    check_language(language)
    with (SENTENCES_DIR / f"{language}.yaml").open(encoding="utf-8") as yaml_file:
        data: dict[str, Any] = yaml.safe_load(yaml_file)
    return Grammar(
        language=language,
        meaning=_intents(language, data, ("skip_words", "lists", "expansion_rules", "intents")),
        shapes=_section(language, data.get("shapes")),
        mentions=_section(language, data.get("mentions")),
        guessing_rules={
            name: parse_sentence(rule)
            for name, rule in data.get("guessing_expansion_rules", {}).items()
        },
        articles=tuple(data.get("articles", ())),
        not_rooms=tuple(data.get("not_rooms", ())),
        home_assistant=_home_assistant(language),
        room_aliases={
            room.casefold(): tuple(aliases)
            for room, aliases in data.get("room_aliases", {}).items()
        },
        warm_up=(data["warm_up"]["text"], data["warm_up"]["room"]),
    )


def _intents(language: str, data: dict[str, Any], keys: tuple[str, ...]) -> Intents | None:
    if not data.get("intents"):
        return None
    return Intents.from_dict({"language": language, **{k: data[k] for k in keys if k in data}})


def _section(language: str, section: dict[str, Any] | None) -> Intents | None:
    """A part of the file matched on its own, without the skip words."""
    if not section:
        return None
    return _intents(language, section, ("lists", "expansion_rules", "intents"))


def _home_assistant(language: str) -> Intents | None:
    data = get_intents(language)
    if data is None:
        return None
    climate = {name: body for name, body in data["intents"].items() if name in HA_INTENTS}
    if not climate:
        logger.warning("Home Assistant has no climate sentences for %r", language)
        return None
    return Intents.from_dict({**data, "intents": climate})
