"""What a `POST /api/chat` asks, from either client's body, checked field by field.

assistant-ui's data stream runtime sends `{system?, messages: [{role, content}], tools?,
threadId?}` (content: a string or typed parts); the AI SDK's `useChat` sends `{id, messages:
[{id, role, parts}], trigger}`. Hearth keeps each thread's history itself, so only the end of
the list is read: either the user's new message, or, after it, the results of the calls the
client's own tools were asked to run (assistant-ui: `tool` messages of `tool-result` parts;
useChat: the assistant message's `tool-*` parts in state `output-available` or
`output-error`). The answer's wire format is chosen by, in order, the `protocol` query
parameter, the `x-hearth-protocol` header, then the body's shape (messages with `parts`, or a
`trigger`, mean `useChat`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from starlette.requests import Request

from app.api.errors import bad_request
from app.assistant.client_tools import ClientToolResult
from app.assistant.providers.base import ToolSpec

Protocol = Literal["data-stream", "ui-message-stream"]
PROTOCOLS: tuple[Protocol, ...] = ("data-stream", "ui-message-stream")
MAX_SYSTEM_CHARS = 4000
MAX_TOOLS = 32
MAX_TOOL_NAME_CHARS = 64
_TOOL_NAME = re.compile(rf"[A-Za-z0-9_-]{{1,{MAX_TOOL_NAME_CHARS}}}")


@dataclass(frozen=True)
class ChatRequest:
    """One chat request, whichever client sent it."""

    protocol: Protocol
    thread_ref: str
    text: str  # the new user message; "" when the request carries tool results instead
    system: str = ""
    tools: tuple[ToolSpec, ...] = ()
    tool_results: tuple[ClientToolResult, ...] = ()


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
    messages = body.get("messages")
    parts = isinstance(messages, list) and any(
        isinstance(m, dict) and "parts" in m for m in messages
    )
    return "ui-message-stream" if parts or "trigger" in body else "data-stream"


def _text_of(message: dict[str, Any], where: str) -> str:
    """The text of a user message, from `content` (string or parts) or `parts`."""
    if "parts" in message:
        pieces, field = message["parts"], f"{where}.parts"
    elif "content" in message:
        pieces, field = message["content"], f"{where}.content"
        if isinstance(pieces, str):
            return pieces
    else:
        raise bad_request(where, "has neither `content` nor `parts`.")
    if not isinstance(pieces, list):
        raise bad_request(field, "must be a list of parts.")
    texts = []
    for index, piece in enumerate(pieces):
        if not isinstance(piece, dict) or not isinstance(piece.get("type"), str):
            raise bad_request(f"{field}.{index}", "must be an object with a `type`.")
        if piece["type"] != "text":
            continue
        if not isinstance(piece.get("text"), str):
            raise bad_request(f"{field}.{index}.text", "must be a string.")
        texts.append(piece["text"])
    if not texts:
        raise bad_request(field, "has no text part; Hearth reads text messages only.")
    return "\n".join(texts)


def _call_id(part: dict[str, Any], where: str) -> str:
    call_id = part.get("toolCallId")
    if not isinstance(call_id, str) or not 0 < len(call_id) <= 100:
        raise bad_request(f"{where}.toolCallId", "must be a string of 1 to 100 characters.")
    return call_id


def _content_result(part: dict[str, Any], where: str) -> ClientToolResult:
    """assistant-ui (a language-model `tool-result`): `output: {type, value}`, or the older
    `result` with `isError`."""
    output = part.get("output")
    if isinstance(output, dict) and isinstance(output.get("type"), str):
        kind = output["type"]
        if kind not in ("json", "text", "error-json", "error-text", "content"):
            raise bad_request(
                f"{where}.output.type",
                f"must be 'json', 'text', 'error-json', 'error-text' or 'content', not {kind!r}.",
            )
        value, is_error = output.get("value"), kind.startswith("error-")
    elif "result" in part:
        value, is_error = part["result"], bool(part.get("isError"))
    else:
        raise bad_request(where, "has neither `output` nor `result`.")
    return ClientToolResult(_call_id(part, where), value, is_error)


def _ui_result(part: dict[str, Any], where: str) -> ClientToolResult | None:
    """useChat (a UI message's `tool-<name>` or `dynamic-tool` part): a result once its
    state is `output-available` or `output-error`; None before."""
    state = part.get("state")
    if state == "output-available":
        return ClientToolResult(_call_id(part, where), part.get("output"))
    if state == "output-error":
        error = part.get("errorText")
        return ClientToolResult(_call_id(part, where), {"error": str(error)}, is_error=True)
    return None


def _tool_results(tail: list[Any], first_index: int) -> tuple[ClientToolResult, ...]:
    """Every tool result in the messages after the last user message."""
    results: list[ClientToolResult] = []
    for offset, message in enumerate(tail):
        where = f"messages.{first_index + offset}"
        if not isinstance(message, dict) or message.get("role") not in ("assistant", "tool"):
            role = message.get("role") if isinstance(message, dict) else None
            raise bad_request(
                f"{where}.role", f"must be 'user', 'assistant' or 'tool', not {role!r}."
            )
        key = "parts" if "parts" in message else "content"
        pieces = message.get(key)
        if isinstance(pieces, str) or pieces is None:
            continue
        if not isinstance(pieces, list):
            raise bad_request(f"{where}.{key}", "must be a string or a list of parts.")
        for index, piece in enumerate(pieces):
            at = f"{where}.{key}.{index}"
            kind = piece.get("type") if isinstance(piece, dict) else None
            if not isinstance(kind, str):
                raise bad_request(at, "must be an object with a `type`.")
            result = None
            if kind == "tool-result":
                result = _content_result(piece, at)
            elif (kind == "dynamic-tool" or kind.startswith("tool-")) and "state" in piece:
                result = _ui_result(piece, at)
            if result is not None:
                results.append(result)
    return tuple(results)


def _tools(raw: Any) -> tuple[ToolSpec, ...]:
    """Tools declared by the client: `{name: {description?, parameters}}` or a list of
    `{name, description?, parameters}`."""
    if raw is None:
        return ()
    if isinstance(raw, dict):
        items = [
            (name, spec, f"tools.{name}" if _TOOL_NAME.fullmatch(name) else "tools")
            for name, spec in raw.items()
        ]
    elif isinstance(raw, list):
        items = [
            (spec.get("name") if isinstance(spec, dict) else None, spec, f"tools.{index}")
            for index, spec in enumerate(raw)
        ]
    else:
        raise bad_request("tools", "must be an object of tools by name (or a list of tools).")
    if len(items) > MAX_TOOLS:
        raise bad_request("tools", f"has {len(items)} tools; at most {MAX_TOOLS} are allowed.")
    specs = []
    for name, spec, where in items:
        if not isinstance(name, str) or not _TOOL_NAME.fullmatch(name):
            got = f"{name[:40]!r} ({len(name):,} characters)" if isinstance(name, str) else "none"
            raise bad_request(
                where,
                f"needs a name of 1 to {MAX_TOOL_NAME_CHARS} ASCII letters, digits, '_' or '-' "
                f"(what a model's function name may be); got {got}.",
            )
        if not isinstance(spec, dict):
            raise bad_request(where, "must be an object with `parameters` (a JSON schema).")
        parameters = spec.get("parameters", spec.get("inputSchema", {"type": "object"}))
        if not isinstance(parameters, dict):
            raise bad_request(f"{where}.parameters", "must be a JSON schema object.")
        description = spec.get("description", "")
        if not isinstance(description, str):
            raise bad_request(f"{where}.description", "must be a string.")
        specs.append(ToolSpec(name, description, parameters))
    return tuple(specs)


def parse_chat(request: Request, body: Any) -> ChatRequest:
    """The request's meaning, or 400 naming the first field that is wrong."""
    if not isinstance(body, dict):
        raise bad_request("body", "must be a JSON object with `messages`.")
    protocol = _protocol(request, body)
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise bad_request("messages", "must be a non-empty list of messages.")
    users = [i for i, m in enumerate(messages) if isinstance(m, dict) and m.get("role") == "user"]
    last_user = users[-1] if users else -1
    results = _tool_results(messages[last_user + 1 :], last_user + 1)
    text = ""
    if not results:
        if last_user < 0:
            raise bad_request(
                "messages", "has no user message; end it with the new message, role 'user'."
            )
        if any(_has_content(m) for m in messages[last_user + 1 :]):
            where = f"messages.{len(messages) - 1}"
            raise bad_request(
                where,
                "must be the new user message, or the results of the calls your tools "
                "were asked to run.",
            )
        text = _text_of(messages[last_user], f"messages.{last_user}")
    ref = body.get("threadId", body.get("id"))
    if ref is not None and not isinstance(ref, str | int):
        raise bad_request("threadId" if "threadId" in body else "id", "must be a string.")
    system = body.get("system") or ""
    if not isinstance(system, str):
        raise bad_request("system", "must be a string.")
    if len(system) > MAX_SYSTEM_CHARS:
        raise bad_request("system", f"is {len(system)} characters; at most {MAX_SYSTEM_CHARS}.")
    return ChatRequest(
        protocol=protocol,
        thread_ref=str(ref) if ref is not None else "",
        text=text,
        system=system,
        tools=_tools(body.get("tools")),
        tool_results=results,
    )


def _has_content(message: dict[str, Any]) -> bool:
    """Whether a message after the last user message says anything (assistant-ui sends the
    reply being written, still empty, at the end)."""
    pieces = message.get("parts", message.get("content"))
    return bool(pieces)
