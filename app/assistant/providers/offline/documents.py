"""What the offline assistant reads in a person's files: room targets in a document (a CSV
of `room,celsius` lines, or a JSON object of room to degrees), which a command about the
file ("set the rooms as in this file") carries out through the usual set calls.

A question about a file changes nothing (its turn is left as it is), and an image is never
read: the offline assistant says plainly that it can't see images.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from dataclasses import replace

from app.assistant.files.message import AttachedFile
from app.assistant.understanding.context import Turn
from app.assistant.understanding.intents import Intent

_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")
_MAX_TARGETS = 50


def _celsius(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        found = _NUMBER.fullmatch(value.strip().removesuffix("°C").removesuffix("°").strip())
        return float(found.group().replace(",", ".")) if found else None
    return None


def _csv_rows(text: str) -> list[tuple[str, object]]:
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = csv.reader(io.StringIO(text), dialect)
    return [(row[0], row[1]) for row in rows if len(row) >= 2]


def _json_rows(text: str) -> list[tuple[str, object]]:
    try:
        value = json.loads(text)
    except ValueError:
        return []
    if isinstance(value, dict):
        return [(str(room), celsius) for room, celsius in value.items()]
    if isinstance(value, list):
        return [
            (str(row.get("room", "")), row.get("celsius")) for row in value if isinstance(row, dict)
        ]
    return []


def room_targets(file: AttachedFile) -> list[tuple[str, float]]:
    """The (room, celsius) pairs a document lists, in its order (a header row is skipped:
    its second cell is no number)."""
    if file.is_image or not file.text:
        return []
    is_json = file.media_type == "application/json"
    rows = _json_rows(file.text) if is_json else _csv_rows(file.text)
    targets: list[tuple[str, float]] = []
    for room, value in rows:
        celsius = _celsius(value)
        name = " ".join(room.split()).lower()
        if celsius is not None and name:
            targets.append((name, celsius))
    return targets[:_MAX_TARGETS]


def with_documents(
    turn: Turn | None, files: Sequence[AttachedFile], rooms: Sequence[str]
) -> Turn | None:
    """A command that says no more than to act on the file ("set the rooms as in this file")
    gets the file's room targets as its set intents; anything else is left as it is."""
    if turn is None or turn.kind != "command" or turn.intents:
        return turn
    known = {room.lower(): room for room in rooms}
    intents = tuple(
        Intent("set", (known[name],), celsius=celsius)
        if name in known
        else Intent("set", celsius=celsius, unknown_rooms=(name,))
        for file in files
        for name, celsius in room_targets(file)
    )
    return replace(turn, intents=intents) if intents else turn
