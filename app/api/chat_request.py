"""What a `POST /api/chat` asks, from either client's body, checked field by field.

assistant-ui's data stream runtime sends `{system?, messages: [{role, content}], tools?,
threadId?}` (content: a string or typed parts); the AI SDK's `useChat` sends `{id, messages:
[{id, role, parts}], trigger}`. Hearth keeps each thread's history itself, so only the last
message is read: the user's new text. The answer's wire format is chosen by, in order, the
`protocol` query parameter, the `x-hearth-protocol` header, then the body's shape (messages
with `parts`, or a `trigger`, mean `useChat`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from starlette.requests import Request

from app.api.errors import bad_request
from app.assistant.providers.base import ToolSpec

Protocol = Literal["data-stream", "ui-message-stream"]
PROTOCOLS: tuple[Protocol, ...] = ("data-stream", "ui-message-stream")
MAX_SYSTEM_CHARS = 4000
MAX_TOOLS = 32


@dataclass(frozen=True)
class ChatRequest:
    """One chat request, whichever client sent it."""

    protocol: Protocol
    thread_ref: str
    text: str
    system: str = ""
    tools: tuple[ToolSpec, ...] = ()


async def read_json(request: Request, max_bytes: int) -> Any:
    """The body as JSON; 400 for a body over `max_bytes` or not JSON."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise bad_request("body", f"is over the limit of {max_bytes:,} bytes.")
        chunks.append(chunk)
    raw = b"".join(chunks)
    if not raw.strip():
        raise bad_request("body", "is empty; send a JSON object with `messages`.")
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise bad_request("body", f"is not JSON ({exc}).") from exc


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


def _tools(raw: Any) -> tuple[ToolSpec, ...]:
    """Tools declared by the client: `{name: {description?, parameters}}` or a list of
    `{name, description?, parameters}`."""
    if raw is None:
        return ()
    if isinstance(raw, dict):
        items = [(name, spec, f"tools.{name}") for name, spec in raw.items()]
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
        if not isinstance(name, str) or not name.replace("_", "").replace("-", "").isalnum():
            raise bad_request(where, "needs a name of letters, digits, '_' or '-'.")
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
    where = f"messages.{len(messages) - 1}"
    last = messages[-1]
    if not isinstance(last, dict):
        raise bad_request(where, "must be an object with `role`.")
    if last.get("role") != "user":
        raise bad_request(
            f"{where}.role", f"must be 'user' (the new message), not {last.get('role')!r}."
        )
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
        text=_text_of(last, where),
        system=system,
        tools=_tools(body.get("tools")),
    )
