"""Stored messages in the shapes the clients load history in: the AI SDK's `UIMessage`
(parts) and assistant-ui's `ThreadMessageLike` (content)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.api.wire.parts import json_or_text, suggestions_data
from app.assistant.files.message import AttachedFile
from app.assistant.message_parts import (
    AttachmentPart,
    EffectPart,
    MessagePart,
    SuggestionsPart,
    TextPart,
    ToolCallPart,
    ToolResultPart,
    message_parts,
)
from app.db.models import Message
from app.db.statuses import ToolCallStatus


def _results(parts: list[MessagePart]) -> dict[str, ToolResultPart]:
    return {p.call_id: p for p in parts if isinstance(p, ToolResultPart)}


def _effect(part: EffectPart) -> dict[str, Any]:
    return {
        "effect_id": part.effect_id,
        "room": part.room,
        "old_celsius": part.old_celsius,
        "new_celsius": part.new_celsius,
    }


def message_ref(message_id: int | None) -> str:
    """The id clients see for a stored message."""
    return f"msg-{message_id}"


def _ui_tool(call: ToolCallPart, result: ToolResultPart | None) -> dict[str, Any]:
    """A call and its result as one `tool-<name>` part, in the state the live stream left."""
    tool: dict[str, Any] = {
        "type": f"tool-{call.name}",
        "toolCallId": call.call_id,
        "state": "input-available",
        "input": json_or_text(call.arguments),
    }
    if result is None:
        return tool
    if result.status == ToolCallStatus.denied:
        # As the live stream left it: asked, answered no, never run.
        approval = {"id": str(result.call_row_id), "approved": False}
        return tool | {"state": "output-denied", "approval": approval}
    if result.is_error:
        output = json_or_text(result.output)
        error = output.get("error") if isinstance(output, dict) else output
        return tool | {"state": "output-error", "errorText": str(error)}
    return tool | {"state": "output-available", "output": json_or_text(result.output)}


Files = Mapping[int, AttachedFile]


def ui_message(
    message: Message, answered_by: str = "", files: Files | None = None
) -> dict[str, Any]:
    """A stored message as a `UIMessage`: text, `file` (inline `data:` URLs, from `files`),
    `tool-<name>`, `data-effect` and `data-suggestions` parts (and, where the hybrid chose,
    who answered: `metadata.answeredBy` "device" or "model")."""
    stored = message_parts(message)
    results, parts = _results(stored), []
    for part in stored:
        match part:
            case TextPart(text=text) if text:
                parts.append({"type": "text", "text": text})
            case AttachmentPart(attachment_id=attachment_id) if files and attachment_id in files:
                file = files[attachment_id]
                parts.append(
                    {
                        "type": "file",
                        "mediaType": file.media_type,
                        "filename": file.name,
                        "url": file.data_url,
                    }
                )
            case ToolCallPart():
                parts.append(_ui_tool(part, results.get(part.call_id)))
            case EffectPart():
                parts.append(
                    {"type": "data-effect", "id": f"effect-{part.effect_id}", "data": _effect(part)}
                )
            case SuggestionsPart(texts=texts):
                data = suggestions_data(message.id or 0, texts)
                parts.append({"type": f"data-{data.name}", "id": data.id, "data": data.data})
    metadata = {"status": message.status, "createdAt": message.created_at.isoformat()}
    if answered_by:
        metadata["answeredBy"] = answered_by
    return {
        "id": message_ref(message.id),
        "role": message.role,
        "parts": parts,
        "metadata": metadata,
    }


def content_message(
    message: Message, answered_by: str = "", files: Files | None = None
) -> dict[str, Any]:
    """A stored message as assistant-ui's `ThreadMessageLike`: text, `image` and `file`
    (inline `data:` URLs, from `files`), tool-call and data content (and, where the hybrid
    chose, who answered: `metadata.custom.answeredBy`)."""
    stored = message_parts(message)
    results, content = _results(stored), []
    for part in stored:
        match part:
            case TextPart(text=text) if text:
                content.append({"type": "text", "text": text})
            case AttachmentPart(attachment_id=attachment_id) if files and attachment_id in files:
                file = files[attachment_id]
                if file.is_image:
                    content.append({"type": "image", "image": file.data_url, "filename": file.name})
                else:
                    content.append(
                        {
                            "type": "file",
                            "data": file.data_url,
                            "mimeType": file.media_type,
                            "filename": file.name,
                        }
                    )
            case ToolCallPart():
                call: dict[str, Any] = {
                    "type": "tool-call",
                    "toolCallId": part.call_id,
                    "toolName": part.name,
                    "args": json_or_text(part.arguments),
                    "argsText": part.arguments,
                }
                result = results.get(part.call_id)
                if result is not None:
                    call |= {"result": json_or_text(result.output), "isError": result.is_error}
                content.append(call)
            case EffectPart():
                content.append({"type": "data", "name": "effect", "data": _effect(part)})
            case SuggestionsPart(texts=texts):
                data = suggestions_data(message.id or 0, texts)
                content.append({"type": "data", "name": data.name, "data": data.data})
    shaped = {
        "id": message_ref(message.id),
        "role": message.role,
        "content": content,
        "createdAt": message.created_at.isoformat(),
    }
    if answered_by:
        shaped["metadata"] = {"custom": {"answeredBy": answered_by}}
    return shaped
