"""Reading one message: its intents (Hearth's templates, then Home Assistant's), rooms Hearth
lacks named as such, and the rooms mentioned in words not understood."""

from __future__ import annotations

import pytest

from app.assistant.understanding.intents import Intent
from app.assistant.understanding.parser import Understanding, UnsupportedLanguage

ROOMS = ["bathroom", "bedroom", "home office", "kitchen", "living room"]


def read(room: str, *more: str) -> Intent:
    return Intent("read", (room, *more))


def set_to(celsius: float, *rooms: str, **extra: float) -> Intent:
    return Intent("set", rooms, celsius=celsius, **extra)  # type: ignore[arg-type]


def adjust(delta: float, *rooms: str) -> Intent:
    return Intent("adjust", rooms, delta_celsius=delta)


@pytest.fixture(scope="module")
def understanding() -> Understanding:
    return Understanding("en")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Home Assistant's climate sentences and Hearth's reads.
        ("What's the temperature in the Kitchen?", (read("kitchen"),)),
        ("how warm is it in the bedroom", (read("bedroom"),)),
        ("HOW COLD IS THE BATHROOM!!", (read("bathroom"),)),
        ("Kitchen temperature?", (read("kitchen"),)),
        ("what temperature is the living room at", (read("living room"),)),
        ("is it warm in the bathroom", (read("bathroom"),)),
        ("how warm are the kitchen and the bedroom", (read("kitchen", "bedroom"),)),
        ("what's the temperature", (Intent("read"),)),
        ("what is the temperature in here?", (Intent("read"),)),
        # Lists, extremes, comparisons.
        ("list the rooms", (Intent("list_rooms"),)),
        ("what's the temperature everywhere", (Intent("list_rooms"),)),
        ("how warm is it in every room", (Intent("list_rooms"),)),
        ("which room is warmest", (Intent("warmest_room"),)),
        ("where is it coldest", (Intent("coldest_room"),)),
        (
            "which is warmer, kitchen or bedroom?",
            (Intent("compare", ("kitchen", "bedroom"), delta_celsius=1),),
        ),
        (
            "is the bedroom colder than the bathroom",
            (Intent("compare", ("bedroom", "bathroom"), delta_celsius=-1),),
        ),
        # Sets: numbers, number words, decimals, °F, several rooms, every room.
        ("set kitchen to 19", (set_to(19, "kitchen"),)),
        ("make the living room 23 degrees", (set_to(23, "living room"),)),
        ("set the bedroom to twenty one", (set_to(21, "bedroom"),)),
        ("set the kitchen to 19,5", (set_to(19.5, "kitchen"),)),
        ("Set the Bedroom to 21.3°C.", (set_to(21.3, "bedroom"),)),
        ("set the kitchen to -50", (set_to(-50, "kitchen"),)),
        ("set the kitchen to minus 5", (set_to(-5, "kitchen"),)),
        ("set the kitchen to 68°F", (set_to(20, "kitchen", fahrenheit=68),)),
        ("set the temperature to 20", (set_to(20),)),
        ("set the kitchen and the bedroom to 20", (set_to(20, "kitchen", "bedroom"),)),
        (
            "set the kitchen to 19 and the bedroom to 21",
            (set_to(19, "kitchen"), set_to(21, "bedroom")),
        ),
        ("set every room to 19", (Intent("set", celsius=19, every_room=True),)),
        # Relative changes.
        ("make the bedroom 2 degrees warmer", (adjust(2, "bedroom"),)),
        ("turn the bedroom down by 1.5", (adjust(-1.5, "bedroom"),)),
        ("make the bathroom a bit cooler", (adjust(-1, "bathroom"),)),
        ("warm up the bedroom a couple of degrees", (adjust(2, "bedroom"),)),
        ("make it warmer", (adjust(1),)),
        # Follow-ups.
        ("and the bedroom?", (Intent("follow_up", ("bedroom",)),)),
        ("what about the bathroom?", (Intent("follow_up", ("bathroom",)),)),
        ("the bathroom too", (Intent("follow_up", ("bathroom",), repeat=True),)),
        ("same for the kitchen", (Intent("follow_up", ("kitchen",), repeat=True),)),
        # Rooms the home lacks, named as said.
        ("set the attic to 20", (Intent("set", unknown_rooms=("attic",), celsius=20),)),
        ("what about upstairs?", (Intent("follow_up", unknown_rooms=("upstairs",)),)),
        (
            "set the kitchen and the attic to 20",
            (Intent("set", ("kitchen",), celsius=20, unknown_rooms=("attic",)),),
        ),
    ],
)
def test_understood(understanding: Understanding, text: str, expected: tuple) -> None:
    assert understanding.parse(text, ROOMS) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello",
        "turn on the lights",
        "turn off the heating",
        "set the kitchen to blue",
        "set the kitchen to 19 percent",
        "what's the weather like",
        "is the heating on in the kitchen?",
        "why is the bedroom cold?",
        "the kitchen is lovely",
        "asdf " * 2000,
    ],
)
def test_not_understood(understanding: Understanding, text: str) -> None:
    assert understanding.parse(text, ROOMS) == ()


def test_rooms_named_in_words_not_understood_are_found(understanding: Understanding) -> None:
    assert understanding.read("why is the bedroom cold?", ROOMS).mentioned_rooms == ("bedroom",)
    assert understanding.read("hello", ROOMS).mentioned_rooms == ()


def test_room_comes_back_in_canonical_spelling(understanding: Understanding) -> None:
    assert understanding.parse("how warm is the living room", ["Living Room"]) == (
        read("Living Room"),
    )


def test_no_rooms_means_no_room_intents(understanding: Understanding) -> None:
    assert understanding.parse("list the rooms", []) == (Intent("list_rooms"),)
    assert understanding.parse("set the kitchen to 19", []) == (
        Intent("set", unknown_rooms=("kitchen",), celsius=19),
    )


def test_language() -> None:
    assert Understanding().language == "en"


def test_unsupported_language_names_supported_ones() -> None:
    with pytest.raises(UnsupportedLanguage) as raised:
        Understanding("xx")
    assert str(raised.value) == "Language 'xx' is not supported; supported languages: de, en"
