"""Question or command, before anything acts on a message."""

from __future__ import annotations

import pytest

from app.assistant.understanding.classify import is_question, utterance_kind

ROOMS = ["bathroom", "bedroom", "kitchen"]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("and the bedroom?", "question"),
        ("what's the temperature in the kitchen?", "question"),
        ("is it warm in the kitchen?", "question"),
        ("set the kitchen to 19", "command"),
        ("could you set the kitchen to 19?", "command"),
        ("make the bedroom 2 degrees warmer", "command"),
        ("hello", "unclear"),
    ],
)
def test_a_message_is_a_question_a_command_or_unclear(text: str, kind: str) -> None:
    assert utterance_kind(text, "en", ROOMS) == kind


def test_only_a_question_is_a_question() -> None:
    assert is_question("and the bedroom?", "en", ROOMS)
    assert not is_question("set the kitchen to 19", "en", ROOMS)
    assert not is_question("hello", "en", ROOMS)
