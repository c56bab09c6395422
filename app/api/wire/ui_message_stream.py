"""The AI SDK UI message stream (`useChat`): server-sent events, one JSON chunk each, header
`x-vercel-ai-ui-message-stream: v1`, ending with `[DONE]`."""

from __future__ import annotations

import json
from typing import Any

from app.api.wire.parts import (
    ApprovalRequest,
    ApprovalResponse,
    Data,
    Error,
    Finish,
    FinishStep,
    Part,
    StartStep,
    Text,
    ToolInput,
    ToolInputAvailable,
    ToolInputStart,
    ToolResult,
)

MEDIA_TYPE = "text/event-stream"

# Every chunk `type` this writer emits, besides `data-<name>` (the OpenAPI description lists them).
CHUNK_TYPES = (
    "start",
    "start-step",
    "text-start",
    "text-delta",
    "text-end",
    "tool-input-start",
    "tool-input-delta",
    "tool-input-available",
    "tool-approval-request",
    "tool-approval-response",
    "tool-output-available",
    "tool-output-denied",
    "tool-output-error",
    "error",
    "finish-step",
    "finish",
)

HEADERS = {
    "x-vercel-ai-ui-message-stream": "v1",
    "cache-control": "no-cache",
    "x-accel-buffering": "no",
}


def _event(chunk: dict[str, Any]) -> str:
    return f"data: {json.dumps(chunk, ensure_ascii=False, separators=(',', ':'))}\n\n"


class UiMessageStreamWriter:
    """Spells parts as UI message chunks; text comes in blocks (start, deltas, end)."""

    media_type = MEDIA_TYPE
    headers = HEADERS

    def __init__(
        self, message_id: str, metadata: dict[str, Any] | None = None, *, continues: bool = False
    ) -> None:
        self.message_id = message_id
        self.metadata = metadata or {}
        # A reply carried on after the client's tool results goes on in the client's own
        # assistant message: the start names no new one.
        self.continues = continues
        self._text_id = ""
        self._blocks = 0

    def opening(self) -> str:
        """The message's start, with its id (unless it continues the client's) and Hearth's
        metadata (thread, run)."""
        chunk: dict[str, Any] = {"type": "start", "messageMetadata": self.metadata}
        if not self.continues:
            chunk["messageId"] = self.message_id
        return _event(chunk)

    def _end_text(self) -> str:
        if not self._text_id:
            return ""
        text_id, self._text_id = self._text_id, ""
        return _event({"type": "text-end", "id": text_id})

    def write(self, part: Part) -> str:
        """One part as its chunk (closing an open text block first where needed)."""
        if isinstance(part, Text):
            opening = ""
            if not self._text_id:
                self._blocks += 1
                self._text_id = f"{self.message_id}-text-{self._blocks}"
                opening = _event({"type": "text-start", "id": self._text_id})
            return opening + _event({"type": "text-delta", "id": self._text_id, "delta": part.text})
        before = "" if isinstance(part, Data) else self._end_text()
        match part:
            case StartStep():
                chunk: dict[str, Any] = {"type": "start-step"}
            case ToolInputStart(call_id=call_id, name=name, by_hearth=by_hearth):
                chunk = {"type": "tool-input-start", "toolCallId": call_id, "toolName": name}
                if by_hearth:
                    chunk["providerExecuted"] = True
            case ToolInput(call_id=call_id, delta=delta):
                chunk = {"type": "tool-input-delta", "toolCallId": call_id, "inputTextDelta": delta}
            case ToolInputAvailable(call_id=call_id, name=name, args=args, by_hearth=by_hearth):
                # Hearth's own tools are "provider-executed": useChat's onToolCall is for
                # the client's tools only.
                chunk = {
                    "type": "tool-input-available",
                    "toolCallId": call_id,
                    "toolName": name,
                    "input": args,
                }
                if by_hearth:
                    chunk["providerExecuted"] = True
            case ApprovalRequest(approval_id=approval_id, call_id=call_id):
                chunk = {
                    "type": "tool-approval-request",
                    "approvalId": approval_id,
                    "toolCallId": call_id,
                }
            case ApprovalResponse(approval_id=approval_id, approved=approved):
                chunk = {
                    "type": "tool-approval-response",
                    "approvalId": approval_id,
                    "approved": approved,
                }
            case ToolResult(call_id=call_id, denied=True):
                chunk = {"type": "tool-output-denied", "toolCallId": call_id}
            case ToolResult(call_id=call_id, result=result, is_error=is_error):
                chunk = {"type": "tool-output-available", "toolCallId": call_id, "output": result}
                if is_error and isinstance(result, dict) and result.get("error"):
                    chunk = {
                        "type": "tool-output-error",
                        "toolCallId": call_id,
                        "errorText": str(result["error"]),
                    }
            case Data(name=name, data=data, id=id):
                chunk = {"type": f"data-{name}", "data": data, **({"id": id} if id else {})}
            case Error(text=text):
                chunk = {"type": "error", "errorText": text}
            case FinishStep():
                chunk = {"type": "finish-step"}
            case Finish(reason=reason, usage=usage, status=status):
                usage_fields = {
                    "inputTokens": usage.input_tokens,
                    "outputTokens": usage.output_tokens,
                    "totalTokens": usage.input_tokens + usage.output_tokens,
                }
                chunk = {
                    "type": "finish",
                    "finishReason": reason,
                    "messageMetadata": {**self.metadata, "status": status, "usage": usage_fields},
                }
            case _:
                raise TypeError(f"not a part: {part!r}")
        return before + _event(chunk)

    def closing(self) -> str:
        """The end of the stream."""
        return "data: [DONE]\n\n"
