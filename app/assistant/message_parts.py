"""The parts of a stored message: one typed class per part, one parser, one serializer.

`Message.parts` is a JSON list of objects, each with a `type`: "text", "tool-call",
"tool-result", "effect", "suggestions" or "attachment". Nothing else builds or reads those
objects: writers build parts here and store them with `dump_parts` (or `append_parts`);
readers get them back with `parse_parts` (or `message_parts`). The stored shape is the one
Hearth has always written, so rows from earlier versions read without a migration: tool
results stored before results carried their `status` get one from `is_error`.

Approval is not a part. Whether an "ask first" call is waiting, approved or denied lives on
its ToolCall row (`status`, `approval_expires_at`, `decided_by`, `decided_at`), which the
tool-call part names by `call_row_id` (stored as "tool_call_id"); a denied call's tool-result
part says `denied`. `call_id` is always the model's id for a call.

A new kind of part (attachments, say) is one class here (its fields and a `type` literal) and
a place in `MessagePart`: `_load` and `_dump` read and write every part by its fields.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, Literal, get_args

from app.db.models import Message
from app.db.statuses import ToolCallStatus

Stored = Mapping[str, Any]


@dataclass(frozen=True)
class TextPart:
    """Text the person or the assistant wrote (streamed text grows the last one)."""

    text: str
    type: Literal["text"] = "text"


@dataclass(frozen=True)
class ToolCallPart:
    """A call the assistant made: its ToolCall row, the model's call id, its JSON arguments."""

    call_row_id: int
    call_id: str
    name: str
    arguments: str
    type: Literal["tool-call"] = "tool-call"


@dataclass(frozen=True)
class ToolResultPart:
    """What a call returned, as the model reads it (JSON text), and how the call ended."""

    call_row_id: int
    call_id: str
    name: str
    output: str
    is_error: bool
    status: ToolCallStatus
    type: Literal["tool-result"] = "tool-result"


@dataclass(frozen=True)
class EffectPart:
    """A change to the home a call made: its Effect row, as the model was told of it.

    Cards are drawn from the Effect row itself, never from this copy.
    """

    effect_id: int
    room: str
    old_celsius: float
    new_celsius: float
    type: Literal["effect"] = "effect"


@dataclass(frozen=True)
class SuggestionsPart:
    """Messages the assistant suggests the person send next (shown as buttons that send them).

    Stored last, after the reply it follows; the model is never shown it.
    """

    texts: tuple[str, ...]
    type: Literal["suggestions"] = "suggestions"


@dataclass(frozen=True)
class AttachmentPart:
    """A file the person attached: its Attachment row (bytes and text stay there)."""

    attachment_id: int
    name: str
    media_type: str
    size_bytes: int
    type: Literal["attachment"] = "attachment"


MessagePart = (
    TextPart | ToolCallPart | ToolResultPart | EffectPart | SuggestionsPart | AttachmentPart
)

_BY_TYPE: dict[str, type[MessagePart]] = {cls.type: cls for cls in get_args(MessagePart)}
# A field stored under another name (the row id's name before it was call_row_id).
_STORED_AS = {"call_row_id": "tool_call_id"}
# What each field's stored JSON value may be (JSON true/false are not numbers here).
_KINDS: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
    "ToolCallStatus": (str,),
    "tuple[str, ...]": (list,),
}


def _field_value(cls: type[MessagePart], name: str, kind: str, stored: Stored) -> Any:
    key = _STORED_AS.get(name, name)
    if key not in stored and cls is ToolResultPart and name == "status":
        # Results stored before they carried a status (and a client's) ended by their error.
        return ToolCallStatus.error if stored["is_error"] is True else ToolCallStatus.done
    value = stored[key]
    kinds = _KINDS[kind]
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        raise TypeError(f"{key} is {value!r}, not {' or '.join(k.__name__ for k in kinds)}")
    if kind == "float":
        return float(value)
    if kind == "tuple[str, ...]":
        wrong = [item for item in value if not isinstance(item, str)]
        if wrong:
            raise TypeError(f"{key} holds {wrong[0]!r}, not only str")
        return tuple(value)
    return ToolCallStatus(value) if kind == "ToolCallStatus" else value


def _load(cls: type[MessagePart], stored: Stored) -> MessagePart:
    """The one parser: each field from its stored key, checked against its type."""
    values = {f.name: _field_value(cls, f.name, str(f.type), stored) for f in _FIELDS[cls]}
    return cls(**values)


def _dump(part: MessagePart) -> dict[str, Any]:
    """The one serializer: the type first, then each field under its stored key."""
    stored: dict[str, Any] = {"type": part.type}
    for f in _FIELDS[type(part)]:
        value = getattr(part, f.name)
        if isinstance(value, ToolCallStatus):
            value = value.value
        elif isinstance(value, tuple):
            value = list(value)
        stored[_STORED_AS.get(f.name, f.name)] = value
    return stored


_FIELDS = {cls: [f for f in fields(cls) if f.name != "type"] for cls in _BY_TYPE.values()}


class UnreadablePart(ValueError):
    """A stored part of a known type that lacks a key or holds a value of the wrong kind.

    A fault in the data, not in what a person did: not an AssistantError, so no one is shown it
    as if they could fix it.
    """

    def __init__(self, index: int, stored: Stored, problem: Exception) -> None:
        self.index, self.stored = index, stored
        super().__init__(
            f"Message part {index} ({stored.get('type')!r}) cannot be read: "
            f"{type(problem).__name__}: {problem}; stored keys: {', '.join(sorted(stored))}."
        )


def parse_parts(
    stored: Sequence[Stored], only: Collection[type[MessagePart]] | None = None
) -> list[MessagePart]:
    """Stored parts as typed parts, in order (with `only`: just the parts of those classes,
    the others not read at all).

    A part of a type this version does not know (written by a newer one) is skipped, as
    readers always have.
    """
    parts: list[MessagePart] = []
    for index, raw in enumerate(stored):
        cls = _BY_TYPE.get(raw.get("type", ""))
        if cls is None or (only is not None and cls not in only):
            continue
        try:
            parts.append(_load(cls, raw))
        except (KeyError, TypeError, ValueError) as exc:
            raise UnreadablePart(index, raw, exc) from exc
    return parts


def dump_parts(parts: Iterable[MessagePart]) -> list[dict[str, Any]]:
    """Typed parts as stored (a new list: assigning it marks the JSON column changed)."""
    return [_dump(part) for part in parts]


def message_parts(message: Message) -> list[MessagePart]:
    """A stored message's parts, typed."""
    return parse_parts(message.parts)


def append_parts(message: Message, parts: Iterable[MessagePart]) -> None:
    """Add parts to the end of a stored message (what is stored already stays as it is)."""
    message.parts = [*message.parts, *dump_parts(parts)]


def joined_text(parts: Iterable[MessagePart]) -> str:
    """The text parts, joined."""
    return "".join(part.text for part in parts if isinstance(part, TextPart))


def message_text(stored: Sequence[Stored]) -> str:
    """The text of a message's stored parts, joined."""
    return joined_text(parse_parts(stored, only=(TextPart,)))
