"""What a tool card says to a person: a sentence for the call ("Read the kitchen: 22 °C"), its
status in words, why it did nothing, and the raw call for the Details fold.

Built from the ToolCall row alone (its arguments, status, result and error). The words a
result holds for the model (a denial's "Do not try it again unless they ask") are never shown.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from app.db.statuses import ToolCallStatus
from app.home.temperatures import format_celsius

# Statuses in words (a badge), for every status a call row can hold.
STATUS_LABELS: dict[str, str] = {
    ToolCallStatus.pending: "Starting…",
    ToolCallStatus.running: "Running…",
    ToolCallStatus.awaiting_approval: "Waiting for your approval",
    ToolCallStatus.awaiting_client: "Waiting for the app that asked",
    ToolCallStatus.done: "Done",
    ToolCallStatus.error: "Failed",
    ToolCallStatus.denied: "Denied",
    ToolCallStatus.cancelled: "Stopped",
}
DENIED_NOTE = "You denied this; nothing was changed."
STOPPED_NOTE = "Stopped before it finished."

_UNDER_WAY = {ToolCallStatus.pending, ToolCallStatus.running}


@dataclass(frozen=True)
class CardText:
    """A tool card's words: the sentence, its icon (a lucide name), the status in words, a
    note on why it did nothing ("" when it did what it said), and the raw result for Details
    ("" when there is none a person may read)."""

    summary: str
    icon: str
    status_label: str
    note: str
    result: str


def card_text(
    name: str, arguments: str, status: str, result: dict[str, Any] | None, error: str | None
) -> CardText:
    """The words of one call's card."""
    parsed = _arguments(arguments)
    done = status == ToolCallStatus.done
    output = result if done and result else {}
    under_way = status in _UNDER_WAY
    match name:
        case "get_room_temperature":
            summary, icon = _read(parsed, output, under_way), "thermometer"
        case "set_room_temperature":
            summary, icon = _set(parsed, output, under_way), "sliders-horizontal"
        case "list_rooms":
            summary, icon = _list(output, under_way), "list"
        case _:
            verb = "Used" if done else "Using" if under_way else "Use"
            summary = f"{verb} {name}" + ("…" if under_way else "")
            icon = "wrench"
    return CardText(
        summary=summary,
        icon=icon,
        status_label=STATUS_LABELS.get(status, status),
        note=_note(status, error),
        result="" if status == ToolCallStatus.denied else _raw(result),
    )


def _note(status: str, error: str | None) -> str:
    if status == ToolCallStatus.denied:
        return DENIED_NOTE
    if status == ToolCallStatus.cancelled:
        return STOPPED_NOTE
    if status == ToolCallStatus.error:
        return error or "The tool gave no reason."
    return ""


def _arguments(arguments: str) -> dict[str, Any]:
    try:
        parsed = json.loads(arguments or "{}")
    except json.JSONDecodeError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _raw(result: dict[str, Any] | None) -> str:
    return json.dumps(result, ensure_ascii=False) if result else ""


def _room(arguments: dict[str, Any], output: dict[str, Any]) -> str:
    """'the kitchen', as read back where the call ran, else as asked."""
    room = output.get("room", arguments.get("room"))
    if isinstance(room, str) and room.strip():
        return f"the {room.strip()}"
    return "a room"


def _degrees(value: object) -> str | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{format_celsius(float(value))} °C"
    return None


def _read(arguments: dict[str, Any], output: dict[str, Any], under_way: bool) -> str:
    room = _room(arguments, output)
    if under_way:
        return f"Reading {room}…"
    celsius = _degrees(output.get("celsius"))
    return f"Read {room}: {celsius}" if celsius else f"Read {room}"


def _set(arguments: dict[str, Any], output: dict[str, Any], under_way: bool) -> str:
    room = _room(arguments, output)
    if output.get("changed") is False:
        return f"{room[:1].upper()}{room[1:]} was already at {_degrees(output.get('celsius'))}"
    asked = arguments.get("celsius")
    celsius = _degrees(output.get("celsius", asked)) or (
        repr(asked) if asked is not None else "a new temperature"
    )
    return f"Setting {room} to {celsius}…" if under_way else f"Set {room} to {celsius}"


def _list(output: dict[str, Any], under_way: bool) -> str:
    if under_way:
        return "Reading every room…"
    rooms = output.get("rooms")
    if not isinstance(rooms, list):
        return "Read every room"
    if not rooms:
        return "Read every room: there are none"
    return f"Read {len(rooms)} room{'' if len(rooms) == 1 else 's'}"
