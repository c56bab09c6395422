"""What a `POST /api/chat` asks, from either client's body (see chat_body), and the format of
the answer: chosen by, in order, the `protocol` query parameter, the `x-hearth-protocol`
header, then the body's shape (messages with `parts`, or a `trigger`, mean `useChat`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from starlette.requests import Request

from app.api.branch_request import Replacing, replacing_from
from app.api.chat_body import AssistantUiChatRequest, ChatBody, UseChatRequest
from app.api.errors import bad_request
from app.api.file_parts import InlineFile
from app.api.refusals import validated
from app.assistant.client_tools import ClientToolResult
from app.assistant.providers.base import ToolSpec

Protocol = Literal["data-stream", "ui-message-stream"]
PROTOCOLS: tuple[Protocol, ...] = ("data-stream", "ui-message-stream")


@dataclass(frozen=True)
class ChatRequest:
    """One chat request, whichever client sent it."""

    protocol: Protocol
    thread_ref: str
    text: str  # the new user message; "" when the request carries tool results instead
    system: str = ""
    tools: tuple[ToolSpec, ...] = ()
    tool_results: tuple[ClientToolResult, ...] = ()
    files: tuple[InlineFile, ...] = ()  # attached to the new user message
    # useChat's edit or regeneration (`branch_request.py`); None for a new message.
    replacing: Replacing | None = None


def _sent_by_use_chat(body: dict[str, Any]) -> bool:
    messages = body.get("messages")
    parts = isinstance(messages, list) and any(
        isinstance(m, dict) and "parts" in m for m in messages
    )
    return parts or "trigger" in body


def _protocol(request: Request, body: dict[str, Any]) -> Protocol:
    for where, value in (
        ("protocol", request.query_params.get("protocol")),
        ("x-hearth-protocol", request.headers.get("x-hearth-protocol")),
    ):
        if value is None:
            continue
        if value not in PROTOCOLS:
            raise bad_request(where, f"is 'data-stream' or 'ui-message-stream', not {value!r}.")
        return value  # type: ignore[return-value]
    return "ui-message-stream" if _sent_by_use_chat(body) else "data-stream"


def parse_chat(request: Request, body: Any) -> ChatRequest:
    """The request's meaning, or 400 naming the first field that is wrong."""
    if not isinstance(body, dict):
        raise bad_request("body", ChatBody.not_an_object or "")
    protocol = _protocol(request, body)
    shape: type[ChatBody] = UseChatRequest if _sent_by_use_chat(body) else AssistantUiChatRequest
    chat = validated(shape, body)
    return ChatRequest(
        protocol=protocol,
        thread_ref=chat.thread_ref(),
        text=chat.conversation.text,
        system=chat.system_text(),
        tools=chat.tool_specs(),
        tool_results=chat.conversation.tool_results,
        files=chat.conversation.files,
        replacing=replacing_from(body) if shape is UseChatRequest else None,
    )
