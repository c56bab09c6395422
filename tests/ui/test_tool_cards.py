"""What a tool card says: a sentence for each known tool (and any other), its status in words,
why it did nothing, and never the words a result holds for the model."""

from __future__ import annotations

import pytest

from app.ui.tool_cards import DENIED_NOTE, card_text

KITCHEN = '{"room": "kitchen"}'
SET_19 = '{"room": "kitchen", "celsius": 19}'


@pytest.mark.parametrize(
    ("name", "arguments", "status", "result", "summary", "icon"),
    [
        (
            "get_room_temperature",
            KITCHEN,
            "done",
            {"room": "kitchen", "celsius": 22.0},
            "Read the kitchen: 22 °C",
            "thermometer",
        ),
        ("get_room_temperature", KITCHEN, "running", None, "Reading the kitchen…", "thermometer"),
        (
            "set_room_temperature",
            SET_19,
            "done",
            {"room": "kitchen", "celsius": 19.0, "previous_celsius": 22.0, "changed": True},
            "Set the kitchen to 19 °C",
            "sliders-horizontal",
        ),
        (
            "set_room_temperature",
            '{"room": "kitchen", "celsius": 19.5}',
            "awaiting_approval",
            None,
            "Set the kitchen to 19.5 °C",
            "sliders-horizontal",
        ),
        (
            "set_room_temperature",
            SET_19,
            "done",
            {"room": "kitchen", "celsius": 19.0, "previous_celsius": 19.0, "changed": False},
            "The kitchen was already at 19 °C",
            "sliders-horizontal",
        ),
        (
            "list_rooms",
            "{}",
            "done",
            {"rooms": [{"room": "kitchen", "celsius": 22}, {"room": "bedroom", "celsius": 20}]},
            "Read 2 rooms",
            "list",
        ),
        (
            "list_rooms",
            "{}",
            "done",
            {"rooms": [{"room": "kitchen", "celsius": 22}]},
            "Read 1 room",
            "list",
        ),
        (
            "get_device_location",
            "{}",
            "done",
            {"city": "Graz"},
            "Used get_device_location",
            "wrench",
        ),
        ("get_device_location", "{}", "awaiting_client", None, "Use get_device_location", "wrench"),
        ("get_room_temperature", "not json", "error", None, "Read a room", "thermometer"),
    ],
)
def test_a_call_reads_as_a_sentence(
    name: str, arguments: str, status: str, result: dict | None, summary: str, icon: str
) -> None:
    words = card_text(name, arguments, status, result, None)
    assert (words.summary, words.icon) == (summary, icon)


@pytest.mark.parametrize(
    ("status", "label"),
    [
        ("pending", "Starting…"),
        ("running", "Running…"),
        ("awaiting_approval", "Waiting for your approval"),
        ("awaiting_client", "Waiting for the app that asked"),
        ("done", "Done"),
        ("error", "Failed"),
        ("denied", "Denied"),
        ("cancelled", "Stopped"),
    ],
)
def test_every_status_is_a_word(status: str, label: str) -> None:
    assert card_text("list_rooms", "{}", status, None, None).status_label == label


def test_a_failure_says_why() -> None:
    error = "Room 'attic' not found; known rooms: bedroom, kitchen."
    words = card_text("get_room_temperature", '{"room": "attic"}', "error", {"error": error}, error)
    assert (words.summary, words.note) == ("Read the attic", error)
    assert words.result == '{"error": "Room \'attic\' not found; known rooms: bedroom, kitchen."}'


def test_a_denial_never_shows_what_the_model_was_told() -> None:
    told = (
        "The person denied this set_room_temperature call; nothing was changed. "
        "Do not try it again unless they ask."
    )
    words = card_text("set_room_temperature", SET_19, "denied", {"error": told}, told)
    assert (words.summary, words.status_label, words.note) == (
        "Set the kitchen to 19 °C",
        "Denied",
        DENIED_NOTE,
    )
    assert "Do not try" not in " ".join(vars(words).values())


def test_the_raw_call_is_kept_for_details() -> None:
    result = {"room": "kitchen", "celsius": 22.0}
    words = card_text("get_room_temperature", KITCHEN, "done", result, None)
    assert words.result == '{"room": "kitchen", "celsius": 22.0}'
