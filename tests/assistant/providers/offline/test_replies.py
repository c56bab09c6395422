"""The offline assistant's words: built from the tool results alone (the values read back),
an error when a tool refused, and help when nothing was understood."""

from __future__ import annotations

import pytest

from app.assistant.providers.offline.replies import help_text, reply
from app.assistant.providers.offline.understanding import Intent

ROOMS = ["bedroom", "kitchen", "living room"]


def _listed(*rooms: tuple[str, float]) -> tuple[str, dict]:
    return ("list_rooms", {"rooms": [{"room": room, "celsius": c} for room, c in rooms]})


def _set(room: str, celsius: float, previous: float) -> tuple[str, dict]:
    return (
        "set_room_temperature",
        {"room": room, "celsius": celsius, "previous_celsius": previous},
    )


def test_help_names_what_to_try_and_the_rooms_known() -> None:
    text = help_text(ROOMS)
    assert text.startswith("Sorry, I didn't understand that. I can read and change room")
    assert "- *Set the bedroom to 19*" in text
    assert text.endswith("Rooms I know: bedroom, kitchen and living room.")
    assert help_text(["kitchen"]).endswith("Rooms I know: kitchen.")
    assert help_text([]).endswith("Rooms I know: none yet.")


def test_nothing_understood_gets_help() -> None:
    assert reply(None, [], ROOMS) == help_text(ROOMS)


def test_a_refusal_is_told_in_the_tools_words() -> None:
    results = [
        ("get_room_temperature", {"room": "kitchen", "celsius": 22}),
        ("set_room_temperature", {"error": "40 °C is outside the kitchen's range."}),
    ]
    intent = Intent("adjust_temperature", room="kitchen", delta_celsius=18)
    assert reply(intent, results, ROOMS) == (
        "I couldn't do that: 40 °C is outside the kitchen's range."
    )


@pytest.mark.parametrize("kind", ["get_temperature", "set_temperature", "adjust_temperature"])
def test_a_question_without_a_room_asks_which(kind: str) -> None:
    assert reply(Intent(kind), [], ROOMS) == (  # type: ignore[arg-type]
        "Which room do you mean? I know bedroom, kitchen and living room."
    )


def test_a_reading_gives_the_value_read_back() -> None:
    read = ("get_room_temperature", {"room": "living room", "celsius": 20.5})
    intent = Intent("get_temperature", room="Living Room")
    assert reply(intent, [read], ROOMS) == "The living room is at 20.5 °C."


@pytest.mark.parametrize(
    ("results", "expected"),
    [
        (
            [_set("kitchen", 19.5, 22)],
            "Done: the kitchen is now 19.5 °C, 2.5 degrees cooler than before (22 °C).",
        ),
        (
            # A relative change reads first; the reply uses the latest result of each tool.
            [("get_room_temperature", {"room": "bedroom", "celsius": 20}), _set("bedroom", 22, 20)],
            "Done: the bedroom is now 22 °C, 2 degrees warmer than before (20 °C).",
        ),
        ([_set("kitchen", 22, 22)], "The kitchen was already at 22 °C; nothing changed."),
    ],
)
def test_a_change_reports_the_value_read_back_and_the_difference(
    results: list, expected: str
) -> None:
    assert (
        reply(Intent("set_temperature", room="kitchen", celsius=19.5), results, ROOMS) == expected
    )


def test_the_rooms_are_listed_as_markdown() -> None:
    listed = _listed(("bedroom", 20), ("kitchen", 21.5))
    assert reply(Intent("list_rooms"), [listed], ROOMS) == (
        "Here are the rooms and their temperatures:\n\n- **bedroom**: 20 °C\n- **kitchen**: 21.5 °C"
    )


@pytest.mark.parametrize(
    ("kind", "rooms", "expected"),
    [
        (
            "warmest_room",
            [("bedroom", 20), ("kitchen", 22.5), ("living room", 21)],
            "The kitchen is the warmest room, at 22.5 °C.",
        ),
        (
            "coldest_room",
            [("bedroom", 20), ("kitchen", 22.5), ("living room", 21)],
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
    kind: str, rooms: list[tuple[str, float]], expected: str
) -> None:
    assert reply(Intent(kind), [_listed(*rooms)], ROOMS) == expected  # type: ignore[arg-type]
