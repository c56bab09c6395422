"""Tests for the offline assistant's understanding of user utterances."""

from __future__ import annotations

import pytest

from app.assistant.providers.offline.understanding import (
    Intent,
    Understanding,
    UnsupportedLanguage,
)

ROOMS = ["bathroom", "bedroom", "home office", "kitchen", "living room"]


def set_to(room: str, celsius: float) -> Intent:
    """A set_temperature intent, to keep the table below readable."""
    return Intent("set_temperature", room, celsius=celsius)


def adjust(room: str, delta: float) -> Intent:
    """An adjust_temperature intent, to keep the table below readable."""
    return Intent("adjust_temperature", room, delta_celsius=delta)


@pytest.fixture(scope="module")
def understanding() -> Understanding:
    """One English parser for the whole module, so HA's data loads once."""
    return Understanding("en")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Home Assistant's own climate sentences.
        ("What's the temperature in the Kitchen?", Intent("get_temperature", "kitchen")),
        ("how warm is it in the bedroom", Intent("get_temperature", "bedroom")),
        ("what is the living room temperature", Intent("get_temperature", "living room")),
        ("HOW COLD IS THE BATHROOM!!", Intent("get_temperature", "bathroom")),
        ("what's the temperature", Intent("get_temperature")),
        ("what is the temperature in here?", Intent("get_temperature")),
        ("set the temperature in the kitchen to 19", set_to("kitchen", 19.0)),
        ("set the temperature to 20", Intent("set_temperature", celsius=20.0)),
        # Listing rooms.
        ("list the rooms", Intent("list_rooms")),
        ("Which rooms do you know?", Intent("list_rooms")),
        ("what rooms are there", Intent("list_rooms")),
        ("show all rooms", Intent("list_rooms")),
        ("what are the temperatures?", Intent("list_rooms")),
        ("what's the temperature everywhere", Intent("list_rooms")),
        # Warmest and coldest.
        ("which room is warmest", Intent("warmest_room")),
        ("Which room is the hottest?", Intent("warmest_room")),
        ("what's the warmest room", Intent("warmest_room")),
        ("where is it warmest?", Intent("warmest_room")),
        ("which room is coldest", Intent("coldest_room")),
        ("what's the coolest room?", Intent("coldest_room")),
        ("where is it coldest", Intent("coldest_room")),
        # Relative changes.
        ("make the bedroom 2 degrees warmer", adjust("bedroom", 2.0)),
        ("turn the bedroom down by 1", adjust("bedroom", -1.0)),
        ("raise the kitchen by 1.5 degrees", adjust("kitchen", 1.5)),
        ("lower the living room temperature by 2", adjust("living room", -2.0)),
        ("bedroom 1 degree cooler please", adjust("bedroom", -1.0)),
        ("turn up the heat in the bathroom", adjust("bathroom", 1.0)),
        ("Make The Living Room 0.5 Degrees Cooler.", adjust("living room", -0.5)),
        ("make the kitchen two degrees warmer", adjust("kitchen", 2.0)),
        ("make it a bit warmer in the home office", adjust("home office", 1.0)),
        ("turn the heating down in the kitchen", adjust("kitchen", -1.0)),
        # Absolute settings, including decimals and Hearth's terse forms.
        ("set kitchen to 19", set_to("kitchen", 19.0)),
        ("set the kitchen to 19 degrees", set_to("kitchen", 19.0)),
        ("change the home office to 20.5", set_to("home office", 20.5)),
        ("kitchen to 18 please", set_to("kitchen", 18.0)),
        ("set the kitchen to 19,5", set_to("kitchen", 19.5)),
        ("Set the Bedroom to 21.3°C.", set_to("bedroom", 21.3)),
        ("could you set the bathroom temperature to 22.5 degrees", set_to("bathroom", 22.5)),
        # Follow-ups.
        ("and the bedroom?", Intent("follow_up", "bedroom")),
        ("what about the bathroom?", Intent("follow_up", "bathroom")),
        ("how about the kitchen", Intent("follow_up", "kitchen")),
        ("And in the Living Room?", Intent("follow_up", "living room")),
    ],
)
def test_understood(understanding: Understanding, text: str, expected: Intent) -> None:
    assert understanding.parse(text, ROOMS) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "hello",
        "good morning!",
        "turn on the lights",
        "set the kitchen to blue",
        "set the kitchen to 19 percent",
        "what's the weather",
        "play music",
        "set the attic to 20",
        "what's the temperature in the attic?",
        "what about the garage",
        "the kitchen is lovely",
        "asdf " * 2000,
    ],
)
def test_refused(understanding: Understanding, text: str) -> None:
    assert understanding.parse(text, ROOMS) is None


def test_room_comes_back_in_canonical_spelling(understanding: Understanding) -> None:
    assert understanding.parse("how warm is the living room", ["Living Room"]) == Intent(
        "get_temperature", "Living Room"
    )


def test_no_rooms_means_no_room_intents(understanding: Understanding) -> None:
    assert understanding.parse("set the kitchen to 19", []) is None
    assert understanding.parse("list the rooms", []) == Intent("list_rooms")


def test_language() -> None:
    assert Understanding().language == "en"


def test_unsupported_language_names_supported_ones() -> None:
    with pytest.raises(UnsupportedLanguage) as raised:
        Understanding("xx")
    message = str(raised.value)
    assert "'xx'" in message
    assert "en" in message.split("supported languages:")[1].split(", ")
