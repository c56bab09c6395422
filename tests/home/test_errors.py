"""Home errors: one root to catch, temperatures written the one way Hearth writes them, and
messages that say what was wrong and what is allowed."""

from __future__ import annotations

import pytest

from app.home import errors
from app.home.errors import (
    BoundsExcludeTemperature,
    HomeError,
    InvalidBounds,
    InvalidRoomName,
    NoChange,
    RoomNotFound,
    TemperatureOutOfRange,
)


def test_an_unknown_room_lists_the_known_ones_in_order() -> None:
    error = RoomNotFound("attic", ["kitchen", "bathroom", "living room"])
    assert error.known == ["bathroom", "kitchen", "living room"]
    assert str(error) == "Room 'attic' not found; known rooms: bathroom, kitchen, living room."


def test_temperatures_read_without_a_needless_decimal() -> None:
    assert str(TemperatureOutOfRange("kitchen", 35.5, 5.0, 35.0)) == (
        "35.5 °C is outside the kitchen's range; allowed: 5 to 35 °C."
    )
    assert str(NoChange("bedroom", 19.0)) == "The bedroom is already at 19 °C; nothing changed."


@pytest.mark.parametrize(
    ("bounds", "problems"),
    [
        ((25, 20), "the minimum must be below the maximum"),
        ((-20, 30), "both must lie within -10 to 40 °C"),
        ((45, 41.5), "the minimum must be below the maximum and both must lie within -10 to 40 °C"),
    ],
)
def test_bounds_name_each_rule_they_break(bounds: tuple[float, float], problems: str) -> None:
    low, high = bounds
    error = InvalidBounds(low, high, -10, 40)
    assert str(error).endswith(f"are not allowed: {problems}.")
    assert str(error).startswith(f"Bounds {low:g} to {high:g} °C ")


def test_bounds_around_another_value_say_how_to_go_on() -> None:
    assert str(BoundsExcludeTemperature("kitchen", 22, 10, 20.5)) == (
        "The kitchen is at 22 °C now, outside 10–20.5 °C; "
        "change its temperature first or choose bounds around it."
    )


def test_a_bad_room_name_is_quoted_with_the_rule() -> None:
    assert str(InvalidRoomName("attic!", 40)) == (
        "Room name 'attic!' is not allowed; use 1 to 40 letters, digits and spaces, "
        "such as 'guest room'."
    )


def test_every_home_error_is_caught_as_one() -> None:
    raised = [
        cls
        for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, Exception) and cls is not HomeError
    ]
    assert len(raised) >= 8
    assert all(issubclass(cls, HomeError) for cls in raised)
