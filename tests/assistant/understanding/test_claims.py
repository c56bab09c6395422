"""Which rooms a reply says it changed: completion claims count, readings and offers do not."""

from __future__ import annotations

import pytest

from app.assistant.understanding.claims import claimed_rooms

ROOMS = ["bathroom", "bedroom", "home office", "kitchen", "living room"]


@pytest.mark.parametrize(
    ("reply", "rooms"),
    [
        ("Done, the kitchen is at 19", {"kitchen"}),
        ("Done! The kitchen is at 19 °C.", {"kitchen"}),
        ("Done: the kitchen is now 19 °C, 3 degrees cooler than before (22 °C).", {"kitchen"}),
        ("I've set the kitchen to 19 °C.", {"kitchen"}),
        ("Sure thing, I've set the **kitchen** to 19°C. Anything else?", {"kitchen"}),
        ("I’ve turned the heating in the living room up to 21 degrees.", {"living room"}),
        ("The bedroom has been set to 18.5 °C.", {"bedroom"}),
        ("I made the bedroom 2 degrees warmer.", {"bedroom"}),
        ("The home office is now 2 degrees cooler than before.", {"home office"}),
        ("Kitchen set to 19 °C.", {"kitchen"}),
        ("I lowered the kitchen by 2 degrees.", {"kitchen"}),
        ("All set: the kitchen is 19 °C and I've set the bedroom to 18.", {"kitchen", "bedroom"}),
    ],
)
def test_a_reply_that_says_a_room_changed_claims_it(reply: str, rooms: set[str]) -> None:
    assert claimed_rooms(reply, "en", ROOMS) == rooms


@pytest.mark.parametrize(
    "reply",
    [
        "The kitchen is at 21 °C.",
        "OK, the kitchen is at 21 °C.",
        "The kitchen is currently at 21 °C and the bedroom at 20 °C.",
        "The kitchen was already at 19 °C; nothing changed.",
        "The kitchen is the warmest room, at 22 °C.",
        "Here are the rooms and their temperatures:\n\n- **kitchen**: 22 °C\n- **bedroom**: 20 °C",
        "Should I set the kitchen to 19?",
        "I can set the kitchen to 19 if you like.",
        "Would you like me to change the kitchen to 19 °C?",
        "I will set the kitchen to 19.",
        "I haven't changed the kitchen.",
        "I couldn't do that: 40 °C is outside the kitchen's range; allowed: 5 to 35 °C.",
        "Done, the attic is at 19",
    ],
)
def test_readings_offers_and_refusals_claim_nothing(reply: str) -> None:
    assert claimed_rooms(reply, "en", ROOMS) == set()


def test_a_language_without_claim_sentences_claims_nothing() -> None:
    assert claimed_rooms("Fini, la cuisine est à 19 degrés.", "fr", ["cuisine"]) == set()


GERMAN_ROOMS = ["badezimmer", "küche", "schlafzimmer", "wohnzimmer"]


@pytest.mark.parametrize(
    ("reply", "rooms"),
    [
        ("Erledigt, die Küche ist jetzt auf 19 °C.", {"küche"}),
        ("Fertig! Die Küche hat 19 Grad.", {"küche"}),
        ("Ich habe die Küche auf 19 °C gestellt.", {"küche"}),
        ("Ich habe das **Schlafzimmer** auf 18,5 Grad eingestellt.", {"schlafzimmer"}),
        ("Das Wohnzimmer wurde auf 21 °C gesetzt.", {"wohnzimmer"}),
        ("Ich habe die Temperatur im Badezimmer auf 23 Grad erhöht.", {"badezimmer"}),
        ("Das Schlafzimmer ist jetzt 2 Grad wärmer.", {"schlafzimmer"}),
        ("Ich habe die Küche um 2 Grad gesenkt.", {"küche"}),
        ("Im Wohnzimmer sind es jetzt 21 °C.", {"wohnzimmer"}),
        (
            "Erledigt: Die Küche hat jetzt 19 °C und ich habe das Schlafzimmer auf 18 Grad gestellt.",
            {"küche", "schlafzimmer"},
        ),
    ],
)
def test_a_german_reply_that_says_a_room_changed_claims_it(reply: str, rooms: set[str]) -> None:
    assert claimed_rooms(reply, "de", GERMAN_ROOMS) == rooms


@pytest.mark.parametrize(
    "reply",
    [
        "In der Küche sind es 21 °C.",
        "Die Küche hat 21 Grad.",
        "Die Küche ist gerade bei 21 °C, das Schlafzimmer bei 20 °C.",
        "Soll ich die Küche auf 19 °C stellen?",
        "Ich kann die Küche auf 19 Grad stellen, wenn du möchtest.",
        "Ich werde die Küche auf 19 °C stellen.",
        "Ich habe die Küche nicht geändert.",
        "Das geht nicht: 40 °C liegt außerhalb des Bereichs der Küche (5 bis 35 °C).",
        "Erledigt, der Dachboden ist auf 19 °C.",
    ],
)
def test_german_readings_offers_and_refusals_claim_nothing(reply: str) -> None:
    assert claimed_rooms(reply, "de", GERMAN_ROOMS) == set()
