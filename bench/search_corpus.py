"""Threads as a household writes them to Hearth, for `bench/search.py`: questions and
commands about room temperatures in English and German, with the odd sentence of everyday
life, and replies stored as the engine stores them (a set command's reply carries its tool
call, the tool's result and the effect); and the searches people type over them."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from typing import Any

from app.assistant.message_parts import (
    EffectPart,
    MessagePart,
    TextPart,
    ToolCallPart,
    ToolResultPart,
    dump_parts,
)
from app.db.statuses import ToolCallStatus
from app.home.temperatures import format_celsius

ROOMS = ["kitchen", "bedroom", "living room", "bathroom", "home office", "hallway", "kids room"]
# The German a household uses for the same rooms ("stell die Küche auf 19").
RAUM = ["Küche", "Schlafzimmer", "Wohnzimmer", "Bad", "Büro", "Flur", "Kinderzimmer"]
TEMPERATURES = [17, 18, 18.5, 19, 19.5, 20, 20.5, 21, 21.5, 22, 23]
# Everyday words (some common, most rare): why the heating is asked for.
_LIFE = (
    "guests arrive tonight dinner party baby sleeping early movie night holiday weekend work "
    "from home yoga laundry drying oven cooking bread birthday grandma visiting cat dog window "
    "open draught radiator noisy boiler service tomorrow morning evening afternoon frost snow "
    "rain storm heatwave sunny cloudy electricity price cheap tariff solar panels battery "
    "charging car garage bike cellar attic plants seedlings orchid aquarium piano practice "
    "homework exam reading nap shower bath sauna towels ironing vacuum cleaning painting "
    "renovation plumber electrician insurance neighbour barbecue garden terrace balcony pizza "
    "soup tea coffee wine cheese fondue raclette christmas easter halloween sleepover game "
    "football match concert podcast meeting zoom interview deadline budget taxes invoice "
    "Besuch Abendessen Geburtstag Oma Opa Hund Katze Fenster Heizung Wäsche Kuchen Urlaub "
    "Wochenende Frühstück Mittag Abend morgen heute Schnee Regen Sonne Strom Nachbarn Garten "
    "Keller Dachboden Pflanzen Hausaufgaben Prüfung Mittagsschlaf Dusche Sauna Handtücher"
)
LIFE = _LIFE.split()


def _weighted_life(rng: random.Random, count: int) -> list[str]:
    # Zipf-like: the first words come up often, the last rarely.
    weights = [1 / (rank + 1) for rank in range(len(LIFE))]
    return rng.choices(LIFE, weights=weights, k=count)


def _set_reply(rng: random.Random, room: str, old: float, new: float, german: bool) -> list[Any]:
    """The stored parts of a reply that set a room: call, result, effect, then the words."""
    args = json.dumps({"room": room, "celsius": new})
    result = json.dumps({"room": room, "celsius": new, "previous_celsius": old})
    call_id = f"call_{rng.getrandbits(48):012x}"
    if german:
        words = f"Erledigt: {RAUM[ROOMS.index(room)]} hat jetzt {format_celsius(new)} °C."
    else:
        direction = "warmer" if new > old else "cooler"
        words = (
            f"Done: the {room} is now {format_celsius(new)} °C, "
            f"{format_celsius(abs(new - old))} degrees {direction} than before."
        )
    parts: list[MessagePart] = [
        ToolCallPart(0, call_id, "set_room_temperature", args),
        ToolResultPart(0, call_id, "set_room_temperature", result, False, ToolCallStatus.done),
        EffectPart(0, room, old, new),
        TextPart(words),
    ]
    return dump_parts(parts)


def _turn(rng: random.Random, german: bool) -> tuple[str, list[Any]]:
    """One question or command and the reply to it (as stored parts)."""
    index = rng.randrange(len(ROOMS))
    room, raum = ROOMS[index], RAUM[index]
    old, new = rng.choice(TEMPERATURES), rng.choice(TEMPERATURES)
    life = " ".join(_weighted_life(rng, rng.randint(2, 6)))
    shown = format_celsius(new).replace(".", ",") if german else format_celsius(new)
    kind = rng.random()
    if kind < 0.45 and new != old:
        asked = (
            rng.choice([f"Stell {raum} auf {shown} Grad", f"Mach {raum} {shown} Grad, {life}"])
            if german
            else rng.choice([f"Set the {room} to {shown}", f"{room} to {shown} please, {life}"])
        )
        return asked, _set_reply(rng, room, old, new, german)
    if kind < 0.8:
        asked = f"Wie warm ist es im {raum}?" if german else f"How warm is the {room}?"
        said = (
            f"Im {raum} sind es {format_celsius(old)} °C."
            if german
            else f"The {room} is at {format_celsius(old)} °C."
        )
        return asked, dump_parts([TextPart(said)])
    asked = f"{life.capitalize()}, what should the {room} be?"
    said = (
        f"I can set the {room} for you: it is at {format_celsius(old)} °C now. "
        f"Say, for example, “set the {room} to 20”."
    )
    return asked, dump_parts([TextPart(said)])


def thread_messages(rng: random.Random, count: int) -> Iterator[tuple[str, list[Any]]]:
    """`count` messages of one thread, (role, stored parts), question and reply in turn."""
    german = rng.random() < 0.3
    for _ in range(count // 2):
        asked, reply = _turn(rng, german)
        yield "user", dump_parts([TextPart(asked)])
        yield "assistant", reply


def searches(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """`count` searches people type, (kind, text), in a varied mix."""
    makers = {
        "room": lambda: rng.choice(ROOMS + RAUM),
        "room + value": lambda: f"{rng.choice(ROOMS)} {format_celsius(rng.choice(TEMPERATURES))}",
        "German + value": lambda: (
            f"{rng.choice(RAUM)} {format_celsius(rng.choice(TEMPERATURES)).replace('.', ',')}"
        ),
        "as typed": lambda: (word := rng.choice(ROOMS + LIFE))[: rng.randint(1, max(1, len(word)))],
        "phrase": lambda: " ".join(rng.sample(LIFE[:60], 2)),
        "rare word": lambda: rng.choice(LIFE[-80:]),
        "no match": lambda: rng.choice(["zebra", "quantum", "volcano", "Zeppelin", "xylophone"]),
        "syntax": lambda: rng.choice(
            ['"kitchen', "kitchen*", "bath OR bed", "NEAR(kitchen 19)", "-cold", "a:b & !c"]
        ),
    }
    kinds = list(makers)
    return [(kind, makers[kind]()) for kind in (kinds[i % len(kinds)] for i in range(count))]
