"""The data stream protocol (assistant-ui's `useDataStreamRuntime`, AI SDK 4): one
`CODE:JSON` line per part, header `x-vercel-ai-data-stream: v1`."""

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
from app.assistant.providers.base import Usage

MEDIA_TYPE = "text/plain; charset=utf-8"
HEADERS = {"x-vercel-ai-data-stream": "v1"}


def _line(code: str, value: Any) -> str:
    return f"{code}:{json.dumps(value, ensure_ascii=False, separators=(',', ':'))}\n"


def _usage(usage: Usage) -> dict[str, int]:
    return {"promptTokens": usage.input_tokens, "completionTokens": usage.output_tokens}


class DataStreamWriter:
    """Spells parts as data stream lines."""

    media_type = MEDIA_TYPE
    headers = HEADERS

    def __init__(self, message_id: str) -> None:
        self.message_id = message_id

    def opening(self) -> str:
        """Nothing precedes the first step in this protocol."""
        return ""

    def write(self, part: Part) -> str:
        """One part as its line."""
        match part:
            case StartStep():
                return _line("f", {"messageId": self.message_id})
            case Text(text=text):
                return _line("0", text)
            case ToolInputStart(call_id=call_id, name=name):
                return _line("b", {"toolCallId": call_id, "toolName": name})
            case ToolInput(call_id=call_id, delta=delta):
                return _line("c", {"toolCallId": call_id, "argsTextDelta": delta})
            case ToolInputAvailable(call_id=call_id, name=name, args=args):
                return _line("9", {"toolCallId": call_id, "toolName": name, "args": args})
            case ToolResult(call_id=call_id, result=result):
                return _line("a", {"toolCallId": call_id, "result": result})
            case ApprovalRequest() | ApprovalResponse():
                # No such part in this protocol: the `approval` data part says it.
                return ""
            case Data(name=name, data=data, id=id):
                return _line("2", [{"type": name, **({"id": id} if id else {}), **data}])
            case Error(text=text):
                return _line("3", text)
            case FinishStep(reason=reason, usage=usage):
                return _line(
                    "e", {"finishReason": reason, "usage": _usage(usage), "isContinued": False}
                )
            case Finish(reason=reason, usage=usage):
                return _line("d", {"finishReason": reason, "usage": _usage(usage)})
        raise TypeError(f"not a part: {part!r}")

    def closing(self) -> str:
        """The finish part ends the stream."""
        return ""
