"""The offline assistant's plan: which tool calls a turn needs, in at most two rounds.

The first round reads (and sets to values already known); the second sets the rooms a
relative change read first. Only a command's intents ever set anything: a question's turn
holds reads alone (`app.assistant.understanding.context`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from app.assistant.understanding.context import Turn
from app.assistant.understanding.intents import Intent

Output = dict[str, Any]


@dataclass(frozen=True)
class Call:
    """One planned tool call, and the intent (by index in the turn) it serves."""

    tool: str
    arguments: dict[str, Any] = field(default_factory=dict)
    intent: int = 0


def rooms_of(intent: Intent, room_names: Sequence[str]) -> tuple[str, ...]:
    """The rooms an intent is for: the ones it names, or every room."""
    return tuple(room_names) if intent.every_room else intent.rooms


def first_round(turn: Turn | None, room_names: Sequence[str]) -> list[Call]:
    """The calls that need no earlier result."""
    if turn is None or turn.is_clarification:
        return []
    calls: list[Call] = []
    for index, intent in enumerate(turn.intents):
        match intent.action:
            case "list_rooms" | "warmest_room" | "coldest_room":
                calls.append(Call("list_rooms", {}, index))
            case "read" | "adjust" | "compare":
                for room in rooms_of(intent, room_names):
                    calls.append(Call("get_room_temperature", {"room": room}, index))
            case "set" if turn.kind == "command":
                for room in rooms_of(intent, room_names):
                    arguments = {"room": room, "celsius": intent.celsius}
                    calls.append(Call("set_room_temperature", arguments, index))
            case "undo" if turn.kind == "command":
                calls.append(Call("undo_last_change", {}, index))
    return calls


def second_round(turn: Turn | None, done: Sequence[tuple[Call, Output]]) -> list[Call]:
    """The sets of a relative change, from the temperatures the first round read."""
    if turn is None or turn.kind != "command":
        return []
    calls: list[Call] = []
    for call, output in done:
        intent = turn.intents[call.intent]
        if intent.action != "adjust" or "error" in output:
            continue
        target = round(float(output["celsius"]) + (intent.delta_celsius or 0), 1)
        arguments = {"room": output["room"], "celsius": target}
        calls.append(Call("set_room_temperature", arguments, call.intent))
    return calls
