"""Stored messages in the shapes the clients load history in: the AI SDK's `UIMessage`
(parts) and assistant-ui's `ThreadMessageLike` (content)."""

from __future__ import annotations

from typing import Any

from app.api.wire.parts import json_or_text
from app.db.models import Message


def _results(message: Message) -> dict[str, dict[str, Any]]:
    return {p["call_id"]: p for p in message.parts if p["type"] == "tool-result"}


def _effect(part: dict[str, Any]) -> dict[str, Any]:
    return {k: part[k] for k in ("effect_id", "room", "old_celsius", "new_celsius") if k in part}


def message_ref(message_id: int | None) -> str:
    """The id clients see for a stored message."""
    return f"msg-{message_id}"


def ui_message(message: Message) -> dict[str, Any]:
    """A stored message as a `UIMessage`: text, `tool-<name>` and `data-effect` parts."""
    results, parts = _results(message), []
    for part in message.parts:
        match part["type"]:
            case "text" if part["text"]:
                parts.append({"type": "text", "text": part["text"]})
            case "tool-call":
                tool: dict[str, Any] = {
                    "type": f"tool-{part['name']}",
                    "toolCallId": part["call_id"],
                    "state": "input-available",
                    "input": json_or_text(part["arguments"]),
                }
                result = results.get(part["call_id"])
                if result is not None and result.get("status") == "denied":
                    # As the live stream left it: asked, answered no, never run.
                    approval = {"id": str(result["tool_call_id"]), "approved": False}
                    tool |= {"state": "output-denied", "approval": approval}
                elif result is not None and result.get("is_error"):
                    output = json_or_text(result["output"])
                    error = output.get("error") if isinstance(output, dict) else output
                    tool |= {"state": "output-error", "errorText": str(error)}
                elif result is not None:
                    tool |= {"state": "output-available", "output": json_or_text(result["output"])}
                parts.append(tool)
            case "effect":
                parts.append(
                    {
                        "type": "data-effect",
                        "id": f"effect-{part['effect_id']}",
                        "data": _effect(part),
                    }
                )
    return {
        "id": message_ref(message.id),
        "role": message.role,
        "parts": parts,
        "metadata": {"status": message.status, "createdAt": message.created_at.isoformat()},
    }


def content_message(message: Message) -> dict[str, Any]:
    """A stored message as assistant-ui's `ThreadMessageLike`: text and tool-call content."""
    results, content = _results(message), []
    for part in message.parts:
        match part["type"]:
            case "text" if part["text"]:
                content.append({"type": "text", "text": part["text"]})
            case "tool-call":
                call: dict[str, Any] = {
                    "type": "tool-call",
                    "toolCallId": part["call_id"],
                    "toolName": part["name"],
                    "args": json_or_text(part["arguments"]),
                    "argsText": part["arguments"],
                }
                result = results.get(part["call_id"])
                if result is not None:
                    call |= {
                        "result": json_or_text(result["output"]),
                        "isError": bool(result["is_error"]),
                    }
                content.append(call)
            case "effect":
                content.append({"type": "data", "name": "effect", "data": _effect(part)})
    return {
        "id": message_ref(message.id),
        "role": message.role,
        "content": content,
        "createdAt": message.created_at.isoformat(),
    }
