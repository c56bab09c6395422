"""The offline assistant's words, built only from tool results (values read back)."""

from __future__ import annotations

from typing import Any

from app.assistant.providers.offline.understanding import Intent
from app.home.temperatures import format_celsius

Results = list[tuple[str, dict[str, Any]]]


def _deg(celsius: float) -> str:
    return f"{format_celsius(celsius)} °C"


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


# What the help offers to send (as buttons): requests the offline assistant understands.
EXAMPLES = (
    "What's the temperature in the kitchen?",
    "Set the bedroom to 19",
    "Make the living room 2 degrees warmer",
    "Which room is warmest?",
    "List the rooms",
)


def help_text(rooms: list[str]) -> str:
    """What the offline assistant can do, for requests it did not understand."""
    return (
        "Sorry, I didn't understand that. I can read and change room temperatures. Try:\n\n"
        "- *What's the temperature in the kitchen?*\n"
        "- *Set the bedroom to 19*\n"
        "- *Make the living room 2 degrees warmer*\n"
        "- *Which room is warmest?*\n"
        "- *List the rooms*\n\n"
        f"Rooms I know: {_and(rooms) if rooms else 'none yet'}."
    )


def reply(intent: Intent | None, results: Results, rooms: list[str]) -> str:
    """The reply for a finished plan: the results' values, an error, or help."""
    errors = [output["error"] for _, output in results if "error" in output]
    if errors:
        return f"I couldn't do that: {errors[-1]}"
    if intent is None:
        return help_text(rooms)
    latest = {name: output for name, output in results}
    if intent.room is None and intent.kind in (
        "get_temperature",
        "set_temperature",
        "adjust_temperature",
    ):
        return f"Which room do you mean? I know {_and(rooms)}."
    match intent.kind:
        case "list_rooms":
            lines = [
                f"- **{r['room']}**: {_deg(r['celsius'])}" for r in latest["list_rooms"]["rooms"]
            ]
            return "Here are the rooms and their temperatures:\n\n" + "\n".join(lines)
        case "warmest_room" | "coldest_room":
            return _extreme(intent.kind == "warmest_room", latest["list_rooms"]["rooms"])
        case "get_temperature":
            read = latest["get_room_temperature"]
            return f"The {read['room']} is at {_deg(read['celsius'])}."
        case "set_temperature" | "adjust_temperature":
            changed = latest["set_room_temperature"]
            room, now, before = changed["room"], changed["celsius"], changed["previous_celsius"]
            if now == before:
                return f"The {room} was already at {_deg(now)}; nothing changed."
            direction = "warmer" if now > before else "cooler"
            change = format_celsius(abs(now - before))
            return (
                f"Done: the {room} is now {_deg(now)}, "
                f"{change} degrees {direction} than before ({_deg(before)})."
            )
    return help_text(rooms)


def _extreme(warmest: bool, rooms: list[dict[str, Any]]) -> str:
    if not rooms:
        return "There are no rooms yet."
    pick = max if warmest else min
    value = pick(r["celsius"] for r in rooms)
    names = [f"the {r['room']}" for r in rooms if r["celsius"] == value]
    word = "warmest" if warmest else "coldest"
    if len(names) == 1:
        return f"{names[0].capitalize()} is the {word} room, at {_deg(value)}."
    return f"{_and(names).capitalize()} are the {word} rooms, at {_deg(value)} each."
