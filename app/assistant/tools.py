"""The tools a model may call, and the registry that runs them (failures become results)."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from app.assistant.providers.base import ToolSpec
from app.assistant.undo import undo_last_change
from app.db.models import Effect
from app.home.errors import HomeError, NoChange
from app.home.rooms import EffectOrigin, get_room, list_rooms, set_room_temperature
from app.home.temperatures import format_celsius

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ToolContext:
    """What a tool may touch: the session of its transaction and the origin of its effects."""

    session: AsyncSession
    origin: EffectOrigin


@dataclass(frozen=True)
class ToolOutcome:
    """A tool's result as the model will read it, and the effects it wrote."""

    output: dict[str, Any]
    is_error: bool = False
    effects: tuple[Effect, ...] = ()

    @property
    def output_json(self) -> str:
        """The output as the JSON text a model reads."""
        return json.dumps(self.output, ensure_ascii=False)


class ToolArgumentError(Exception):
    """Arguments a tool cannot use; the message says what it needs."""


ToolHandler = Callable[[dict[str, Any], ToolContext], Awaitable[ToolOutcome]]
# What a call would change, in words a person approves ("change the kitchen to 19 °C").
ChangeSummary = Callable[[dict[str, Any]], str]


@dataclass(frozen=True)
class Tool:
    """One tool: its spec for the model and the handler that runs it; `change` says what a
    call would change in the home (None: the tool only reads)."""

    spec: ToolSpec
    handler: ToolHandler
    example: str
    change: ChangeSummary | None = None

    @property
    def name(self) -> str:
        """The tool's name, as the model calls it."""
        return self.spec.name

    @property
    def changes_home(self) -> bool:
        """Whether a call may change the home (and so is held when a question asked for it)."""
        return self.change is not None


class ToolRegistry:
    """Runs tool calls by name; unknown tools and bad arguments come back as error results."""

    def __init__(self, tools: Sequence[Tool]) -> None:
        self._tools: Mapping[str, Tool] = {tool.name: tool for tool in tools}

    @property
    def specs(self) -> tuple[ToolSpec, ...]:
        """The specs offered to the model."""
        return tuple(tool.spec for tool in self._tools.values())

    def change_summary(self, name: str, arguments: str) -> str | None:
        """What a call would change, in words ("change the kitchen to 19 °C"); None for a
        tool that only reads (or that Hearth does not have)."""
        tool = self._tools.get(name)
        if tool is None or tool.change is None:
            return None
        try:
            parsed = json.loads(arguments or "{}")
        except json.JSONDecodeError:
            parsed = None
        if not isinstance(parsed, dict):
            return f"run {name} with {arguments or 'no arguments'}"
        return tool.change(parsed)

    async def call(self, name: str, arguments: str, context: ToolContext) -> ToolOutcome:
        """Run one call; never raises for anything the model sent."""
        tool = self._tools.get(name)
        if tool is None:
            known = ", ".join(sorted(self._tools))
            return _error(f"Unknown tool '{name}'; available tools: {known}.")
        try:
            parsed = json.loads(arguments or "{}")
        except json.JSONDecodeError as exc:
            return _error(
                f"Arguments for {name} are not valid JSON ({exc.msg} at position {exc.pos}); "
                f"send an object such as {tool.example}."
            )
        if not isinstance(parsed, dict):
            return _error(f"Arguments for {name} must be a JSON object such as {tool.example}.")
        try:
            return await tool.handler(parsed, context)
        except (ToolArgumentError, HomeError) as exc:
            logger.debug("Tool %s refused %r: %s", name, arguments, exc)
            facts = exc.facts() if isinstance(exc, HomeError) else {}
            return _error(str(exc), facts)


def _error(message: str, facts: dict[str, object] | None = None) -> ToolOutcome:
    """The refusal in words (what a model reads), and as data where the domain gives it."""
    return ToolOutcome({"error": message, **(facts or {})}, is_error=True)


def _room_argument(tool: str, arguments: dict[str, Any]) -> str:
    room = arguments.get("room")
    if not isinstance(room, str) or not room.strip():
        raise ToolArgumentError(f"{tool} needs 'room' (a room name as text); got {room!r}.")
    return room


async def _list_rooms(arguments: dict[str, Any], context: ToolContext) -> ToolOutcome:
    rooms = await list_rooms(context.session)
    return ToolOutcome({"rooms": [{"room": r.name, "celsius": r.celsius} for r in rooms]})


async def _get_room_temperature(arguments: dict[str, Any], context: ToolContext) -> ToolOutcome:
    room = await get_room(context.session, _room_argument("get_room_temperature", arguments))
    return ToolOutcome({"room": room.name, "celsius": room.celsius})


async def _set_room_temperature(arguments: dict[str, Any], context: ToolContext) -> ToolOutcome:
    name = _room_argument("set_room_temperature", arguments)
    if "celsius" not in arguments:
        raise ToolArgumentError(
            "set_room_temperature needs 'celsius' (a number of degrees Celsius); "
            f"got the fields {sorted(arguments)}."
        )
    try:
        effect = await set_room_temperature(
            context.session, name, arguments["celsius"], context.origin
        )
    except NoChange as same:
        # Not a failure, and not a change: the model hears so, and no card claims one.
        return ToolOutcome(
            {
                "room": same.room,
                "celsius": same.celsius,
                "previous_celsius": same.celsius,
                "changed": False,
                "message": str(same),
            }
        )
    # The row as this transaction wrote it (the room is locked until it commits).
    return ToolOutcome(
        {
            "room": effect.room_name,
            "celsius": effect.new_celsius,
            "previous_celsius": effect.old_celsius,
            "changed": True,
            "message": f"Temperature in {effect.room_name} changed from "
            f"{format_celsius(effect.old_celsius)} to {format_celsius(effect.new_celsius)}.",
        },
        effects=(effect,),
    )


async def _undo_last_change(arguments: dict[str, Any], context: ToolContext) -> ToolOutcome:
    thread_id = context.origin.thread_id
    if thread_id is None:
        raise ToolArgumentError("undo_last_change works only in a thread, which this is not.")
    undos = await undo_last_change(context.session, thread_id, context.origin)
    undone = [
        {"room": e.room_name, "celsius": e.new_celsius, "previous_celsius": e.old_celsius}
        for e in undos
    ]
    rooms = ", ".join(f"{u['room']} back to {format_celsius(u['celsius'])}" for u in undone)
    return ToolOutcome({"undone": undone, "message": f"Undone: {rooms}."}, effects=tuple(undos))


def _set_summary(arguments: dict[str, Any]) -> str:
    room, celsius = arguments.get("room"), arguments.get("celsius")
    where = f"the {room}" if isinstance(room, str) and room.strip() else "a room"
    if isinstance(celsius, int | float) and not isinstance(celsius, bool):
        return f"change {where} to {format_celsius(float(celsius))} °C"
    return f"change {where} to {celsius!r}"


_ROOM_SCHEMA = {"type": "string", "description": "The room's name, e.g. 'kitchen'."}

HOME_TOOLS: tuple[Tool, ...] = (
    Tool(
        ToolSpec(
            "list_rooms",
            "List every room of the home with its current temperature in degrees Celsius.",
            {"type": "object", "properties": {}, "additionalProperties": False},
        ),
        _list_rooms,
        "{}",
    ),
    Tool(
        ToolSpec(
            "get_room_temperature",
            "Read one room's current temperature in degrees Celsius.",
            {
                "type": "object",
                "properties": {"room": _ROOM_SCHEMA},
                "required": ["room"],
                "additionalProperties": False,
            },
        ),
        _get_room_temperature,
        '{"room": "kitchen"}',
    ),
    Tool(
        ToolSpec(
            "set_room_temperature",
            "Set one room's temperature in degrees Celsius (within the room's bounds, "
            "5 to 35 by default). Returns the value read back after the change.",
            {
                "type": "object",
                "properties": {
                    "room": _ROOM_SCHEMA,
                    "celsius": {"type": "number", "description": "Target temperature in °C."},
                },
                "required": ["room", "celsius"],
                "additionalProperties": False,
            },
        ),
        _set_room_temperature,
        '{"room": "kitchen", "celsius": 19}',
        change=_set_summary,
    ),
    Tool(
        ToolSpec(
            "undo_last_change",
            "Undo the last change made in this conversation (every room its newest change "
            "set goes back to the value before), unless a room changed again since.",
            {"type": "object", "properties": {}, "additionalProperties": False},
        ),
        _undo_last_change,
        "{}",
        change=lambda _arguments: "undo the last change made in this conversation",
    ),
)


def home_tool_registry() -> ToolRegistry:
    """The registry of the home's tools."""
    return ToolRegistry(HOME_TOOLS)
