"""The offline assistant's words: built from the tool results alone (the values read back)
and the language's catalogue; a clarification when a room is unknown or missing; short help
that fits what was said when nothing was understood."""

from __future__ import annotations

import pytest

from app.assistant.providers.offline.plan import Call
from app.assistant.providers.offline.replies import Replies, fallback
from app.assistant.understanding.context import Turn
from app.assistant.understanding.intents import Intent, Utterance

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
