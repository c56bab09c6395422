"""The system prompt, kept in the app: who Hearth is, the rooms, the tools' rules."""

from __future__ import annotations

from collections.abc import Sequence

from app.db.models import Room
from app.home.temperatures import format_celsius

_PROMPT = """You are Hearth, the assistant of a home. You read and change room temperatures \
only through the tools; never claim a change the tools did not confirm.
Rooms (name: allowed range in °C): {rooms}.
Rules: use the room names above; temperatures are degrees Celsius within each room's range; \
after a change, report the value the tool read back. If a tool returns an error, explain it \
plainly and say what is allowed. Keep answers short."""

# The household's language (HEARTH_LANGUAGE), where it is not English.
_ANSWER_IN = {"de": "The household speaks German: always answer in German."}


def build_instructions(rooms: Sequence[Room], language: str = "en") -> str:
    """The system prompt with the home's rooms (as the turn read them), in the household's
    language."""
    listed = "; ".join(
        f"{r.name}: {format_celsius(r.min_celsius)}–{format_celsius(r.max_celsius)}" for r in rooms
    )
    prompt = _PROMPT.format(rooms=listed)
    return f"{prompt}\n{_ANSWER_IN[language]}" if language in _ANSWER_IN else prompt
