"""Numbers as people say them, written as digits before a message is matched.

Dictation writes what it hears: "set the kitchen to nineteen and a half". hassil reads plain
number words ("twenty one", "nineteen point five"), but not a half said as words, a hundred
said with "and", nor "minus three" (read as -3.9); so spoken numbers become digits first
("19.5", "105", "minus 3"), and the templates match them as if typed.

A lone "one" is left as it is ("which one is warmer"): it is a number only with more words
("one hundred", "one point five", "one and a half").
"""

from __future__ import annotations

import re
from collections.abc import Callable

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
}
_TEENS = {
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_WORDS = {**_UNITS, **_TEENS, **_TENS}


def _alternatives(words: dict[str, int]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_UNIT = f"(?:{_alternatives(_UNITS)})"
_BELOW_100 = f"(?:(?:{_alternatives(_TENS)})(?:[- ]{_UNIT})?|(?:{_alternatives(_TEENS)})|{_UNIT})"
_HUNDREDS = f"(?:(?:a|{_UNIT}) hundred(?: (?:and )?{_BELOW_100})?)"
_WHOLE = rf"(?:{_HUNDREDS}|{_BELOW_100}|\d+)"
_FRACTION = rf"(?: point(?: {_UNIT})+| and a half)"
_ENGLISH = re.compile(rf"\b(?P<whole>{_WHOLE})(?P<fraction>{_FRACTION})?\b", re.IGNORECASE)


def _english_whole(said: str) -> int:
    """ "a hundred and five" -> 105, "twenty-one" -> 21, "19" -> 19."""
    if said.isdigit():
        return int(said)
    total = 0
    for word in re.split(r"[- ]+", said.lower()):
        if word == "hundred":
            total = max(total, 1) * 100
        elif word in _WORDS:
            total += _WORDS[word]
    return total


def _english_number(match: re.Match[str]) -> str:
    whole, fraction = match["whole"], (match["fraction"] or "").lower()
    if not fraction and (whole.isdigit() or whole.lower() in ("one", "a")):
        return match[0]
    number = str(_english_whole(whole))
    if fraction == " and a half":
        return number + ".5"
    if fraction:
        return number + "." + "".join(str(_UNITS[w]) for w in fraction.split()[1:])
    return number


def _english(text: str) -> str:
    return _ENGLISH.sub(_english_number, text)


# German: hassil reads "neunzehn komma fünf"; a half is said "neunzehneinhalb", "neunzehn
# einhalb" or "neunzehn und ein halb".
_GERMAN_ENDINGS = (
    "null|eins|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|zig|ßig|hundert"
)
_GERMAN_NUMBER = rf"(?:\d+|\w*(?:{_GERMAN_ENDINGS}))"
_GERMAN_HALF = re.compile(
    rf"\b(?P<whole>{_GERMAN_NUMBER})(?: ?einhalb| und ein ?halb)\b", re.IGNORECASE
)


def _german_number(match: re.Match[str]) -> str:
    whole = match["whole"]
    return whole + ",5" if whole.isdigit() else whole + " komma fünf"


def _german(text: str) -> str:
    return _GERMAN_HALF.sub(_german_number, text)


_LANGUAGES: dict[str, Callable[[str], str]] = {"en": _english, "de": _german}


def with_digits(text: str, language: str) -> str:
    """The message with its spoken numbers as digits (unchanged in a language without
    rules): "set the kitchen to nineteen and a half" -> "set the kitchen to 19.5"."""
    rewrite = _LANGUAGES.get(language)
    return rewrite(text) if rewrite else text
