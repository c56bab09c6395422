"""The conversation a provider sees: typed items built from a thread's stored messages."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from app.assistant.files.message import AttachedFile
from app.assistant.message_parts import (
    AttachmentPart,
    MessagePart,
    TextPart,
    ToolCallPart,
    ToolResultPart,
    joined_text,
    message_parts,
)
from app.db.models import Message
from app.db.statuses import Role


@dataclass(frozen=True)
class UserText:
    """Something the person said, and the files they attached to it."""

    text: str
    kind: Literal["user_text"] = "user_text"
    files: tuple[AttachedFile, ...] = ()


@dataclass(frozen=True)
class AssistantText:
    """Something the assistant said."""

    text: str
    kind: Literal["assistant_text"] = "assistant_text"


@dataclass(frozen=True)
class ToolCallItem:
    """A tool call the assistant made (arguments as the model sent them: JSON text)."""

    call_id: str
    name: str
    arguments: str
    kind: Literal["tool_call"] = "tool_call"


@dataclass(frozen=True)
class ToolResultItem:
    """What a tool call returned (JSON text), error or not."""

    call_id: str
    name: str
    output: str
    is_error: bool = False
    kind: Literal["tool_result"] = "tool_result"


ConversationItem = UserText | AssistantText | ToolCallItem | ToolResultItem

_INTERRUPTED_OUTPUT = json.dumps({"error": "The tool call was interrupted before it returned."})


def unbacked_claim_note(rooms: Sequence[str]) -> str:
    """What the model is told after a reply that said it changed rooms no tool call changed."""
    named = " and ".join(f"the {room}" for room in rooms)
    was = "were" if len(rooms) > 1 else "was"
    return (
        f"[Note from Hearth, not from the person: your previous reply said {named} {was} "
        "changed, but no tool call changed it, so nothing in the home changed and the person "
        'was shown "No change was made". Say a room changed only after a tool call changed it.]'
    )


def items_from_messages(
    messages: Sequence[Message], files: Mapping[int, AttachedFile] | None = None
) -> list[ConversationItem]:
    """Stored messages as provider items (a person's with the `files` their parts name, by
    attachment id); a call cut off before its result gets one."""
    items: list[ConversationItem] = []
    for message in messages:
        parts = message_parts(message)
        if message.role == Role.user:
            attached = tuple(
                files[p.attachment_id]
                for p in parts
                if isinstance(p, AttachmentPart) and files and p.attachment_id in files
            )
            items.append(UserText(joined_text(parts), files=attached))
            continue
        items += _assistant_items(parts)
        if message.unbacked_rooms:
            # Its own item after the reply, so the person's next words stay as they wrote them.
            items.append(UserText(unbacked_claim_note(message.unbacked_rooms)))
    return _merge_adjacent_text(items)


def _assistant_items(parts: list[MessagePart]) -> list[ConversationItem]:
    """A reply's parts as items; a call cut off before its result gets one."""
    items: list[ConversationItem] = []
    answered = {p.call_id for p in parts if isinstance(p, ToolResultPart)}
    for part in parts:
        match part:
            case TextPart(text=text) if text:
                items.append(AssistantText(text))
            case ToolCallPart(call_id=call_id, name=name, arguments=arguments):
                items.append(ToolCallItem(call_id, name, arguments))
                if call_id not in answered:
                    # Every call needs a result or the next request is invalid.
                    items.append(ToolResultItem(call_id, name, _INTERRUPTED_OUTPUT, is_error=True))
            case ToolResultPart(call_id=call_id, name=name, output=output, is_error=is_error):
                items.append(ToolResultItem(call_id, name, output, is_error))
    return items


def _merge_adjacent_text(items: list[ConversationItem]) -> list[ConversationItem]:
    merged: list[ConversationItem] = []
    for item in items:
        previous = merged[-1] if merged else None
        if isinstance(item, AssistantText) and isinstance(previous, AssistantText):
            merged[-1] = AssistantText(previous.text + item.text)
        else:
            merged.append(item)
    return merged


def _chars(item: ConversationItem) -> int:
    match item:
        case UserText(text=text, files=files):
            return len(text) + sum(f.budget_chars for f in files)
        case AssistantText(text=text):
            return len(text)
        case ToolCallItem(name=name, arguments=arguments):
            return len(name) + len(arguments)
        case ToolResultItem(output=output):
            return len(output)
    return 0


def fit_to_budget(items: list[ConversationItem], max_chars: int) -> list[ConversationItem]:
    """Drop the oldest whole turns past the budget; the current turn is always kept.

    A turn starts at a user message, so no call is ever separated from its result.
    """
    turns: list[list[ConversationItem]] = []
    for item in items:
        if isinstance(item, UserText) or not turns:
            turns.append([])
        turns[-1].append(item)
    kept: list[list[ConversationItem]] = []
    used = 0
    for turn in reversed(turns):
        size = sum(_chars(i) for i in turn)
        if kept and used + size > max_chars:
            break
        kept.insert(0, turn)
        used += size
    return [item for turn in kept for item in turn]
