"""The grammar the offline recogniser listens with: Hearth's sentences and the home's rooms."""

from __future__ import annotations

from app.speech.phrases import command_grammar, spoken_room_names


def test_rooms_it_can_say_are_lower_case_and_known_words() -> None:
    known = {"kitchen", "home", "office", "living", "room"}
    rooms = ["Kitchen", "home office", "Living Room", "Wohnzimmer", "Room 2", "kitchen"]
    assert spoken_room_names(rooms, known.__contains__) == ["kitchen", "home office", "living room"]


def test_grammar_names_the_rooms_and_every_room() -> None:
    grammar = command_grammar(["kitchen", "home office"])
    assert grammar.startswith("#JSGF V1.0;")
    assert "<place> = kitchen | home office | every room | all the rooms | the whole house;" in (
        grammar
    )


def test_a_home_without_rooms_still_has_a_grammar() -> None:
    assert "<place> = every room | all the rooms | the whole house;" in command_grammar([])
