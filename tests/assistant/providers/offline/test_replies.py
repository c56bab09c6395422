"""The offline assistant's words: built from the tool results alone (the values read back)
and the language's catalogue; a clarification when a room is unknown or missing; short help
that fits what was said when nothing was understood."""

from __future__ import annotations

import pytest

from app.assistant.providers.offline.plan import Call
from app.assistant.providers.offline.replies import Replies, RoomForms, _catalogue, fallback
from app.assistant.understanding.context import Turn
from app.assistant.understanding.intents import Intent, Utterance
from app.assistant.understanding.languages import UnsupportedLanguage, supported_languages

ROOMS = ["bedroom", "kitchen", "living room"]
replies = Replies("en")


def _turn(*intents: Intent, kind: str = "question", **flags: bool) -> Turn:
    return Turn(Utterance("", kind), kind, intents, **flags)  # type: ignore[arg-type]


def _set(room: str, celsius: float, previous: float, intent: int = 0) -> tuple[Call, dict]:
    output = {"room": room, "celsius": celsius, "previous_celsius": previous}
    return Call("set_room_temperature", {}, intent), output


def _listed(*rooms: tuple[str, float]) -> list[tuple[Call, dict]]:
    return [(Call("list_rooms"), {"rooms": [{"room": r, "celsius": c} for r, c in rooms]})]


def test_the_fallback_is_short_fits_the_kind_and_returns_its_examples_apart() -> None:
    text, examples = fallback(Utterance("turn on the lights", "command"), ROOMS)
    assert text.startswith("Sorry, I didn't understand that. I can only change room")
    assert text.endswith("Rooms I know: bedroom, kitchen and living room.")
    assert len(examples) == 3 and all(f"*{example}*" in text for example in examples)
    assert examples[0].startswith("Set the ")
    _, asked = fallback(Utterance("what's the weather?", "question"), ROOMS)
    assert asked[0].startswith("What's the temperature in the ")


def test_the_fallback_names_the_room_that_was_said() -> None:
    utterance = Utterance("open the window in the kitchen", "command", (), ("kitchen",))
    assert fallback(utterance, ROOMS)[1][0] == "Set the kitchen to 20"


def test_the_fallback_varies_with_the_words() -> None:
    texts = {fallback(Utterance(text, "unclear"), ROOMS)[0] for text in ("hi", "ok", "what")}
    assert len(texts) > 1
    assert fallback(Utterance("hi", "unclear"), [])[0].endswith("Rooms I know: none yet.")


def test_nothing_understood_gets_the_fallback() -> None:
    utterance = Utterance("hello", "unclear")
    assert replies.reply(_turn(kind="unclear"), [], ROOMS) == replies.reply(None, [], ROOMS)
    assert replies.reply(Turn(utterance, "unclear", ()), [], ROOMS) == fallback(utterance, ROOMS)[0]


def test_an_unknown_room_is_named_and_a_close_one_offered() -> None:
    unknown = _turn(Intent("set", unknown_rooms=("kitchn",), celsius=19), kind="command")
    assert replies.reply(unknown, [], ROOMS) == (
        "I don't know a room called kitchn; rooms are bedroom, kitchen and living room. "
        "Did you mean the kitchen?"
    )


@pytest.mark.parametrize("action", ["read", "set", "adjust"])
def test_no_room_asks_which(action: str) -> None:
    assert replies.reply(_turn(Intent(action)), [], ROOMS) == (  # type: ignore[arg-type]
        "Which room do you mean? I know bedroom, kitchen and living room."
    )


def test_a_refusal_is_told_in_the_tools_words() -> None:
    done = [
        (Call("get_room_temperature"), {"room": "kitchen", "celsius": 22}),
        (Call("set_room_temperature"), {"error": "40 °C is outside the kitchen's range."}),
    ]
    turn = _turn(Intent("adjust", ("kitchen",), delta_celsius=18), kind="command")
    assert (
        replies.reply(turn, done, ROOMS)
        == "I couldn't do that: 40 °C is outside the kitchen's range."
    )


@pytest.mark.parametrize(
    ("done", "expected"),
    [
        (
            [_set("kitchen", 19.5, 22)],
            "Done: the kitchen is now 19.5 °C, 2.5 degrees cooler than before (22 °C).",
        ),
        (
            [_set("kitchen", 23, 22)],
            "Done: the kitchen is now 23 °C, 1 degree warmer than before (22 °C).",
        ),
        (
            # 8.2 - 7.2 is 0.999… in floats, which reads "1": so "1 degree".
            [_set("kitchen", 8.2, 7.2)],
            "Done: the kitchen is now 8.2 °C, 1 degree warmer than before (7.2 °C).",
        ),
        ([_set("kitchen", 22, 22)], "The kitchen was already at 22 °C; nothing changed."),
        (
            [_set("kitchen", 19, 22), _set("bedroom", 20, 20)],
            "Done:\n\n- **kitchen**: 19 °C (was 22 °C)\n- **bedroom**: already 20 °C",
        ),
    ],
)
def test_a_change_reports_the_values_read_back(done: list, expected: str) -> None:
    turn = _turn(Intent("set", ("kitchen",), celsius=19.5), kind="command")
    assert replies.reply(turn, done, ROOMS) == expected


def test_fahrenheit_is_converted_aloud() -> None:
    turn = _turn(Intent("set", ("kitchen",), celsius=20, fahrenheit=68), kind="command")
    assert replies.reply(turn, [_set("kitchen", 20, 22)], ROOMS).startswith(
        "68 °F is 20 °C. Done: the kitchen is now 20 °C"
    )


def test_a_question_that_asked_for_a_change_says_it_only_read() -> None:
    done = [(Call("get_room_temperature"), {"room": "kitchen", "celsius": 22})]
    turn = _turn(Intent("read", ("kitchen",)), held=True)
    assert replies.reply(turn, done, ROOMS) == (
        "The kitchen is at 22 °C. I only read it: a question changes nothing. "
        "To change it, ask me to, e.g. *Set the kitchen to 20*."
    )


@pytest.mark.parametrize(
    ("first", "second", "warmer", "expected"),
    [
        (22, 20, 1, "The kitchen is warmer than the bedroom: 22 °C against 20 °C."),
        (22, 20, -1, "The bedroom is colder than the kitchen: 20 °C against 22 °C."),
        (21, 21, 1, "The kitchen and the bedroom are both at 21 °C."),
    ],
)
def test_a_comparison_names_the_warmer_or_colder_room(
    first: float, second: float, warmer: float, expected: str
) -> None:
    done = [
        (Call("get_room_temperature"), {"room": "kitchen", "celsius": first}),
        (Call("get_room_temperature"), {"room": "bedroom", "celsius": second}),
    ]
    turn = _turn(Intent("compare", ("kitchen", "bedroom"), delta_celsius=warmer))
    assert replies.reply(turn, done, ROOMS) == expected


def test_the_rooms_are_listed_as_markdown() -> None:
    done = _listed(("bedroom", 20), ("kitchen", 21.5))
    assert replies.reply(_turn(Intent("list_rooms")), done, ROOMS) == (
        "Here are the rooms and their temperatures:\n\n- **bedroom**: 20 °C\n- **kitchen**: 21.5 °C"
    )


@pytest.mark.parametrize(
    ("action", "rooms", "expected"),
    [
        (
            "warmest_room",
            [("bedroom", 20), ("kitchen", 22.5)],
            "The kitchen is the warmest room, at 22.5 °C.",
        ),
        (
            "coldest_room",
            [("bedroom", 20), ("kitchen", 22.5)],
            "The bedroom is the coldest room, at 20 °C.",
        ),
        (
            "coldest_room",
            [("bedroom", 19), ("kitchen", 19), ("living room", 19)],
            "The bedroom, the kitchen and the living room are the coldest rooms, at 19 °C each.",
        ),
        ("warmest_room", [], "There are no rooms yet."),
    ],
)
def test_the_warmest_and_coldest_come_from_the_list(
    action: str, rooms: list[tuple[str, float]], expected: str
) -> None:
    assert replies.reply(_turn(Intent(action)), _listed(*rooms), ROOMS) == expected  # type: ignore[arg-type]


GERMAN_ROOMS = ["küche", "schlafzimmer", "wohnzimmer"]
german = Replies("de")


def test_every_language_has_every_message_and_example() -> None:
    english = _catalogue("en")
    for language in supported_languages():
        catalogue = _catalogue(language)
        assert set(catalogue["messages"]) == set(english["messages"]), language
        assert set(catalogue["examples"]) == set(english["examples"]), language


def test_replies_in_a_language_hearth_lacks_are_refused() -> None:
    with pytest.raises(UnsupportedLanguage, match="supported languages: de, en"):
        Replies("fr")


@pytest.mark.parametrize(
    ("room", "the", "in_"),
    [
        ("küche", "die Küche", "in der Küche"),
        ("schlafzimmer", "das Schlafzimmer", "im Schlafzimmer"),
        ("bad", "das Bad", "im Bad"),
        ("flur", "der Flur", "im Flur"),
        ("dachboden", "der Dachboden", "im Dachboden"),
        ("leons zimmer", "Leons Zimmer", "in Leons Zimmer"),
        ("home office", "Home Office", "in Home Office"),
        ("xyz", "Xyz", "in Xyz"),
    ],
)
def test_a_german_room_takes_the_article_of_its_ending(room: str, the: str, in_: str) -> None:
    forms = RoomForms(_catalogue("de")["rooms"]).forms("room", room)
    assert (forms["room_the"], forms["room_in"], forms["Room_in"]) == (the, in_, _cap(in_))


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


@pytest.mark.parametrize(
    ("done", "expected"),
    [
        (
            [_set("küche", 19.5, 22)],
            "Erledigt: in der Küche sind es jetzt 19,5 °C, 2,5 Grad kühler als vorher (22 °C).",
        ),
        (
            [_set("schlafzimmer", 21, 20)],
            "Erledigt: im Schlafzimmer sind es jetzt 21 °C, 1 Grad wärmer als vorher (20 °C).",
        ),
        (
            [_set("küche", 8.2, 7.2)],
            "Erledigt: in der Küche sind es jetzt 8,2 °C, 1 Grad wärmer als vorher (7,2 °C).",
        ),
        ([_set("küche", 22, 22)], "In der Küche waren es schon 22 °C; nichts geändert."),
        (
            [_set("küche", 19, 22), _set("schlafzimmer", 20, 20)],
            "Erledigt:\n\n- **Küche**: 19 °C (vorher 22 °C)\n- **Schlafzimmer**: schon 20 °C",
        ),
    ],
)
def test_a_german_change_reports_the_values_with_decimal_commas(done: list, expected: str) -> None:
    turn = _turn(Intent("set", ("küche",), celsius=19.5), kind="command")
    assert german.reply(turn, done, GERMAN_ROOMS) == expected


def test_german_fahrenheit_reads_and_comparisons() -> None:
    turn = _turn(Intent("set", ("küche",), celsius=20.6, fahrenheit=69), kind="command")
    assert german.reply(turn, [_set("küche", 20.6, 22)], GERMAN_ROOMS).startswith(
        "69 °F sind 20,6 °C. Erledigt: in der Küche"
    )
    done = [
        (Call("get_room_temperature"), {"room": "küche", "celsius": 22}),
        (Call("get_room_temperature"), {"room": "schlafzimmer", "celsius": 20.5}),
    ]
    compare = _turn(Intent("compare", ("küche", "schlafzimmer"), delta_celsius=-1))
    assert german.reply(compare, done, GERMAN_ROOMS) == (
        "Im Schlafzimmer ist es kälter als in der Küche: 20,5 °C gegenüber 22 °C."
    )
    held = _turn(Intent("read", ("küche",)), held=True)
    assert german.reply(held, done[:1], GERMAN_ROOMS) == (
        "In der Küche sind es 22 °C. Ich habe nur nachgesehen: Eine Frage ändert nichts. "
        "Wenn du etwas ändern möchtest, sag es mir, z. B. *Stell die Küche auf 20 Grad*."
    )


def test_german_lists_and_extremes() -> None:
    done = _listed(("küche", 19), ("schlafzimmer", 19), ("wohnzimmer", 21.5))
    assert german.reply(_turn(Intent("coldest_room")), done, GERMAN_ROOMS) == (
        "Am kältesten ist es in der Küche und im Schlafzimmer, mit jeweils 19 °C."
    )
    assert german.reply(_turn(Intent("warmest_room")), done, GERMAN_ROOMS) == (
        "Am wärmsten ist es im Wohnzimmer, mit 21,5 °C."
    )
    assert german.reply(_turn(Intent("list_rooms")), done, GERMAN_ROOMS).endswith(
        "- **Wohnzimmer**: 21,5 °C"
    )


def test_german_clarifications() -> None:
    unknown = _turn(Intent("set", unknown_rooms=("Kuche",), celsius=19), kind="command")
    assert german.reply(unknown, [], GERMAN_ROOMS) == (
        "Einen Raum namens „Kuche“ kenne ich nicht; die Räume sind Küche, Schlafzimmer und "
        "Wohnzimmer. Meintest du die Küche?"
    )
    assert german.reply(_turn(Intent("adjust")), [], GERMAN_ROOMS) == (
        "Welchen Raum meinst du? Ich kenne Küche, Schlafzimmer und Wohnzimmer."
    )


def test_the_german_fallback_offers_german_examples_for_the_room_said() -> None:
    said = Utterance("Öffne das Fenster im Schlafzimmer", "command", (), ("schlafzimmer",))
    text, examples = fallback(said, GERMAN_ROOMS, "de")
    assert examples == [
        "Stell das Schlafzimmer auf 20 Grad",
        "Mach das Schlafzimmer 2 Grad wärmer",
        "Stell alle Räume auf 19 Grad",
    ]
    assert text == (
        "Das habe ich leider nicht verstanden. Ich kann nur Raumtemperaturen ändern, zum "
        "Beispiel: *Stell das Schlafzimmer auf 20 Grad*, *Mach das Schlafzimmer 2 Grad wärmer* "
        "oder *Stell alle Räume auf 19 Grad*. Räume, die ich kenne: Küche, Schlafzimmer und "
        "Wohnzimmer."
    )
    assert (
        fallback(Utterance("Hallo", "unclear"), [], "de")[1][0] == "Wie warm ist es in der Küche?"
    )


DENIED = {
    "error": "The person denied this set_room_temperature call; nothing was changed. "
    "Do not try it again unless they ask.",
    "problem": "denied",
}


@pytest.mark.parametrize(
    ("language", "rooms", "one", "line"),
    [
        ("en", ROOMS, "You denied this; nothing was changed.", "- not done: you denied it"),
        (
            "de",
            GERMAN_ROOMS,
            "Du hast das abgelehnt; es wurde nichts geändert.",
            "- nicht erledigt: du hast es abgelehnt",
        ),
    ],
)
def test_a_denial_is_said_to_the_person_not_as_the_models_instruction(
    language: str, rooms: list[str], one: str, line: str
) -> None:
    words = Replies(language)
    turn = _turn(Intent("set", (rooms[0],), celsius=19), kind="command")
    denied = (Call("set_room_temperature"), DENIED)
    assert words.reply(turn, [denied], rooms) == one
    both = words.reply(turn, [denied, _set(rooms[1], 19, 19)], rooms)
    assert both.splitlines()[2] == line
    assert "Do not try" not in both
