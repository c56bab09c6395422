"""A message in its conversation: follow-ups borrow rooms and values, never the decision to
change something."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from app.assistant.understanding.context import resolve
from app.assistant.understanding.intents import Intent
from app.assistant.understanding.parser import Understanding

ROOMS = ["bathroom", "bedroom", "kitchen"]


def turn_of(*texts: str):
    understanding = Understanding("en")
    turn = resolve([understanding.read(text, ROOMS) for text in texts])
    assert turn is not None
    return turn


@pytest.mark.parametrize(
    "follow_up", ["and the bedroom?", "what about the bedroom?", "and the bedroom"]
)
def test_a_follow_up_question_after_a_change_reads(follow_up: str) -> None:
    turn = turn_of("set the kitchen to 19", follow_up)
    assert (turn.kind, turn.intents) == ("question", (Intent("read", ("bedroom",)),))


def test_too_after_a_change_is_the_same_change() -> None:
    turn = turn_of("make the kitchen 2 degrees warmer", "the bathroom too")
    assert (turn.kind, turn.intents) == (
        "command",
        (Intent("adjust", ("bathroom",), delta_celsius=2),),
    )


def test_too_with_a_question_mark_only_reads() -> None:
    assert turn_of("set the kitchen to 19", "and the bathroom too?").intents == (
        Intent("read", ("bathroom",)),
    )


def test_a_room_answering_which_room_completes_the_command() -> None:
    asked = turn_of("set the temperature to 21")
    assert asked.needs_room and asked.kind == "command"
    turn = turn_of("set the temperature to 21", "the kitchen")
    assert (turn.kind, turn.intents) == ("command", (Intent("set", ("kitchen",), celsius=21),))


def test_a_vague_change_borrows_the_room_talked_about() -> None:
    turn = turn_of("how warm is the bedroom?", "make it warmer")
    assert turn.intents == (Intent("adjust", ("bedroom",), delta_celsius=1),)
    assert turn_of("make it warmer").needs_room


def test_a_question_asking_for_a_change_is_held_to_a_read() -> None:
    turn = turn_of("kitchen to 19?")
    assert (turn.kind, turn.held, turn.intents) == (
        "question",
        True,
        (Intent("read", ("kitchen",)),),
    )


def test_an_unknown_room_asks_before_anything() -> None:
    turn = turn_of("set the attic to 20")
    assert turn.is_clarification and turn.unknown_rooms == ("attic",)


def test_the_understanding_imports_no_provider() -> None:
    package = Path(__file__).parents[3] / "app" / "assistant" / "understanding"
    for module in package.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert "providers" not in node.module, f"{module.name} imports {node.module}"
