"""How temperatures read: whole degrees without a decimal, halves with one."""

from __future__ import annotations

from app.home.temperatures import format_celsius


def test_whole_degrees_drop_the_decimal_and_others_keep_one() -> None:
    assert [format_celsius(c) for c in (19.0, 19.5, -2.0, 21.25, 0.04)] == [
        "19",
        "19.5",
        "-2",
        "21.2",
        "0",
    ]
