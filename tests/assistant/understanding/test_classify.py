"""Question, command or unclear, before anything acts on a message: the same code the offline
assistant decides with, also for words it does not understand (a model gets those)."""

from __future__ import annotations

import pytest

from app.assistant.understanding.classify import is_question, utterance_kind

ROOMS = ["bathroom", "bedroom", "kitchen"]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("and the bedroom?", "question"),
        ("what about the bedroom", "question"),
        ("what's the temperature in the kitchen?", "question"),
        ("Kitchen temperature?", "question"),
        ("is it warm in the kitchen?", "question"),
        ("is the heating on in the kitchen?", "question"),
        ("why is the bedroom cold?", "question"),
        ("can you tell me how warm the bedroom is?", "question"),
        ("would you mind telling me the kitchen temperature", "question"),
        ("should I set the kitchen to 19?", "question"),
        ("set the kitchen to 19? is that allowed?", "question"),
        ("kitchen to 19?", "question"),
        ("which is warmer, kitchen or bedroom", "question"),
        ("set the kitchen to 19", "command"),
        ("could you set the kitchen to 19?", "command"),
        ("could you make it cosier in here?", "command"),
        ("how about setting the kitchen to 20?", "command"),
        ("would you mind turning the heating up", "command"),
        ("hey, can you please set the bedroom to 19.5?", "command"),
        ("make the bedroom 2 degrees warmer", "command"),
        ("kitchen to 18", "command"),
        ("I want it warmer", "command"),
        ("the bathroom too", "unclear"),
        ("the kitchen", "unclear"),
        ("hello", "unclear"),
    ],
)
def test_a_message_is_a_question_a_command_or_unclear(text: str, kind: str) -> None:
    assert utterance_kind(text, "en", ROOMS) == kind


def test_only_a_question_is_a_question() -> None:
    assert is_question("and the bedroom?", "en", ROOMS)
    assert not is_question("set the kitchen to 19", "en", ROOMS)
    assert not is_question("hello", "en", ROOMS)


GERMAN_ROOMS = ["badezimmer", "schlafzimmer", "küche"]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("und das Schlafzimmer?", "question"),
        ("was ist mit dem Schlafzimmer", "question"),
        ("Wie warm ist es in der Küche?", "question"),
        ("Küche Temperatur?", "question"),
        ("Ist es warm in der Küche?", "question"),
        ("Ist die Heizung in der Küche an?", "question"),
        ("Warum ist das Schlafzimmer kalt?", "question"),
        ("Kannst du mir sagen, wie warm das Schlafzimmer ist?", "question"),
        ("Kannst du mir bitte die Temperatur der Küche sagen?", "question"),
        ("Soll ich die Küche auf 19 stellen?", "question"),
        ("Stell die Küche auf 19? Geht das?", "question"),
        ("Küche auf 19?", "question"),
        ("Welcher Raum ist wärmer, Küche oder Schlafzimmer", "question"),
        ("Weißt du, wie kalt es im Bad ist", "question"),
        ("Stell die Küche auf 19", "command"),
        ("Könntest du die Küche auf 19 stellen?", "command"),
        ("Kannst du es hier gemütlicher machen?", "command"),
        ("Wie wäre es mit 20 Grad in der Küche?", "command"),
        ("Würdest du bitte die Heizung hochdrehen", "command"),
        ("Hallo, kannst du bitte das Schlafzimmer auf 19,5 stellen?", "command"),
        ("Mach das Schlafzimmer 2 Grad wärmer", "command"),
        ("Küche auf 18", "command"),
        ("Ich möchte es wärmer", "command"),
        ("das Bad auch", "unclear"),
        ("die Küche", "unclear"),
        ("Hallo", "unclear"),
    ],
)
def test_a_german_message_is_a_question_a_command_or_unclear(text: str, kind: str) -> None:
    assert utterance_kind(text, "de", GERMAN_ROOMS) == kind


def test_only_a_german_question_is_a_question() -> None:
    assert is_question("und das Schlafzimmer?", "de", GERMAN_ROOMS)
    assert not is_question("Stell die Küche auf 19", "de", GERMAN_ROOMS)
    assert not is_question("Hallo", "de", GERMAN_ROOMS)
