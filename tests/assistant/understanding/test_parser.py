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


# A German household's rooms: its own names, lower-case as stored.
GERMAN_ROOMS = ["arbeitszimmer", "badezimmer", "küche", "schlafzimmer", "wohnzimmer"]


@pytest.fixture(scope="module")
def german() -> Understanding:
    return Understanding("de")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Wie warm ist es in der Küche?", (read("küche"),)),
        ("Welche Temperatur hat das Schlafzimmer?", (read("schlafzimmer"),)),
        ("Wie viel Grad hat es im Bad?", (read("badezimmer"),)),
        ("Büro Temperatur?", (read("arbeitszimmer"),)),
        ("Stell die Küche auf 19", (set_to(19, "küche"),)),
        ("Küche auf neunzehn", (set_to(19, "küche"),)),
        ("Stell das Bad auf einundzwanzig Grad", (set_to(21, "badezimmer"),)),
        ("Stell die Küche auf 19,5", (set_to(19.5, "küche"),)),
        ("Stell die Küche auf neunzehn komma fünf", (set_to(19.5, "küche"),)),
        (
            "Stell die Küche auf 19 und das Schlafzimmer auf 21",
            (set_to(19, "küche"), set_to(21, "schlafzimmer")),
        ),
        ("Stell alle Räume auf 20", (Intent("set", every_room=True, celsius=20),)),
        ("Mach das Schlafzimmer 2 Grad wärmer", (adjust(2, "schlafzimmer"),)),
        ("etwas kühler", (adjust(-1),)),
        ("Dreh die Heizung im Wohnzimmer runter", (adjust(-1, "wohnzimmer"),)),
        ("Stell den Dachboden auf 20", (Intent("set", unknown_rooms=("Dachboden",), celsius=20),)),
        ("Mach das Licht an", ()),
    ],
)
def test_german_is_read_with_the_households_room_names(
    german: Understanding, text: str, expected: tuple[Intent, ...]
) -> None:
    assert german.parse(text, GERMAN_ROOMS) == expected


def test_a_shorter_name_never_hides_a_room_called_so(german: Understanding) -> None:
    # "Bad" means the Badezimmer, unless the home has a room called "Bad".
    assert german.parse("Wie warm ist das Bad?", ["bad", "badezimmer"]) == (read("bad"),)
    assert german.parse("Wie warm ist das Bad?", ["küche"]) == (
        Intent("read", unknown_rooms=("Bad",)),
    )


def test_german_rooms_are_found_in_words_not_understood(german: Understanding) -> None:
    assert german.read("Öffne das Fenster im Bad", GERMAN_ROOMS).mentioned_rooms == ("badezimmer",)


def test_every_language_warms_up() -> None:
    for language in ("en", "de"):
        Understanding(language).warm_up()
