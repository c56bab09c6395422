"""Spoken numbers written as digits before a message is matched (as dictation writes them)."""

from __future__ import annotations

import pytest

from app.assistant.understanding.intents import Intent
from app.assistant.understanding.parser import Understanding
from app.assistant.understanding.spoken_numbers import with_digits

ROOMS = ["bathroom", "bedroom", "home office", "kitchen", "living room"]


@pytest.mark.parametrize(
    ("said", "written"),
    [
        ("set the kitchen to nineteen and a half", "set the kitchen to 19.5"),
        ("twenty one", "21"),
        ("twenty-one and a half degrees", "21.5 degrees"),
        ("Nineteen point five?", "19.5?"),
        ("a hundred and five", "105"),
        ("one hundred", "100"),
        ("one and a half", "1.5"),
        ("19 and a half", "19.5"),
        ("minus three", "minus 3"),
        ("set kitchen to 19 and bedroom to twenty", "set kitchen to 19 and bedroom to 20"),
        # Words that are no number stay as they are.
        ("which one is warmer", "which one is warmer"),
        ("half a degree warmer", "half a degree warmer"),
        ("a bit", "a bit"),
        ("someone", "someone"),
    ],
)
def test_english(said: str, written: str) -> None:
    assert with_digits(said, "en") == written


@pytest.mark.parametrize(
    ("said", "written"),
    [
        ("auf neunzehneinhalb", "auf neunzehn komma fünf"),
        ("auf neunzehn einhalb", "auf neunzehn komma fünf"),
        ("auf einundzwanzig und ein halb", "auf einundzwanzig komma fünf"),
        ("auf 19 einhalb", "auf 19,5"),
        ("ein halbes Grad", "ein halbes Grad"),
    ],
)
def test_german(said: str, written: str) -> None:
    assert with_digits(said, "de") == written


def test_a_language_without_rules_is_unchanged() -> None:
    assert with_digits("nineteen and a half", "xx") == "nineteen and a half"


@pytest.mark.parametrize(
    ("said", "celsius", "room"),
    [
        ("set the kitchen to nineteen and a half", 19.5, "kitchen"),
        ("make it nineteen and a half in the kitchen", 19.5, "kitchen"),
        ("set the living room to twenty one degrees", 21, "living room"),
        ("set the bathroom to minus three", -3, "bathroom"),
        ("set the bedroom to a hundred and five", 105, "bedroom"),
    ],
)
def test_the_understanding_reads_them(said: str, celsius: float, room: str) -> None:
    assert Understanding("en").parse(said, ROOMS) == (Intent("set", (room,), celsius=celsius),)


def test_german_understanding_reads_a_half() -> None:
    assert Understanding("de").parse("stell die Küche auf neunzehneinhalb", ["Küche"]) == (
        Intent("set", ("Küche",), celsius=19.5),
    )
