"""A reply cut off mid-markdown reads without artefacts; finished markdown is left alone."""

from __future__ import annotations

import pytest

from app.ui.partial_markdown import mend_partial_markdown

CUT = [
    # The offline help stopped mid-example, and a list stopped after its bullet.
    ("for example: *Set the", "for example: Set the"),
    (
        "Done:\n\n- **kitchen**: 19 °C (was 22 °C)\n- ",
        "Done:\n\n- **kitchen**: 19 °C (was 22 °C)",
    ),
    ("Done:\n\n- **kitch", "Done:\n\n- kitch"),
    ("Done:\n\n- **kitchen**: 19 °C\n-", "Done:\n\n- **kitchen**: 19 °C"),
    ("Here:\n\n1. one\n2.", "Here:\n\n1. one"),
    ("**bold*", "bold"),
    ("*a **b", "a b"),
    ("foo *", "foo"),
    ("use `code", "use code"),
    ("see [the docs](https://exa", "see the docs"),
    ("see [the do", "see the do"),
    ("## ", ""),
    ("```python\nprint(1)", "```python\nprint(1)\n```"),
    ("for example: *Set the kitchen to 20*", "for example: *Set the kitchen to 20*"),
]

FINISHED = [
    "a **b** c and *d*",
    "2 * 3 = 6",
    "x snake_case y",
    "range 5 -",
    "Rooms I know: bathroom, bedroom and kitchen.",
    "- one\n- two",
    "an `*` in code",
    "a \\* escaped",
    "*one* paragraph\n\nand *another*",
]


@pytest.mark.parametrize(("cut", "mended"), CUT)
def test_a_cut_reply_is_mended(cut: str, mended: str) -> None:
    assert mend_partial_markdown(cut) == mended


@pytest.mark.parametrize("finished", FINISHED)
def test_finished_markdown_is_left_alone(finished: str) -> None:
    assert mend_partial_markdown(finished) == finished


def test_only_the_last_paragraph_is_mended() -> None:
    assert mend_partial_markdown("a lone * here\n\nand *cut") == "a lone * here\n\nand cut"
