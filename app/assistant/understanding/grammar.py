"""The sentence data of a language, loaded once: Hearth's templates (sentences/<language>.yaml)
and Home Assistant's climate intents, as hassil `Intents`."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from hassil import Intents
from hassil.expression import Sentence
from hassil.parse_expression import parse_sentence
from home_assistant_intents import get_intents, get_languages

logger = logging.getLogger(__name__)

SENTENCES_DIR = Path(__file__).parent / "sentences"

# Only HA's climate intents are loaded: Hearth has nothing but thermostats, so anything
# else HA recognises ("turn on the lights", the weather, and "set kitchen to 19" read as a
# brightness) would be a false positive to refuse.
HA_INTENTS = ("HassClimateGetTemperature", "HassClimateSetTemperature")


class UnsupportedLanguage(ValueError):
    """Raised for a language with neither Home Assistant sentences nor Hearth templates."""


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


def hearth_languages() -> set[str]:
    """Languages Hearth ships its own templates for."""
    return {path.stem for path in SENTENCES_DIR.glob("*.yaml")}


def supported_languages() -> list[str]:
    """Every language the understanding can be built for."""
    return sorted(set(get_languages()) | hearth_languages())


def check_language(language: str) -> None:
    """Raise UnsupportedLanguage, naming the supported ones, for a language without data."""
    supported = supported_languages()
    if language not in supported:
        raise UnsupportedLanguage(
            f"Language {language!r} is not supported; supported languages: {', '.join(supported)}"
        )


@cache
def grammar(language: str) -> Grammar:
    """The language's sentence data, parsed on first use."""
    path = SENTENCES_DIR / f"{language}.yaml"
    data: dict[str, Any] = {}
    if path.is_file():
        with path.open(encoding="utf-8") as yaml_file:
            data = yaml.safe_load(yaml_file)
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
