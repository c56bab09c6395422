"""What a chat request asks, from either client's body, and the format of the answer: the
`protocol` query parameter, then the `x-hearth-protocol` header, then the body's shape."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.requests import Request

from app.api.chat_request import parse_chat
from app.api.errors import ApiError
from app.assistant.client_tools import ClientToolResult


def _request(query: str = "", headers: dict[str, str] | None = None) -> Request:
    raw = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    scope = {"type": "http", "method": "POST", "path": "/api/chat"}
    return Request({**scope, "query_string": query.encode(), "headers": raw})


ASSISTANT_UI = {"messages": [{"role": "user", "content": "hi"}]}
USE_CHAT = {"id": "t1", "messages": [{"role": "user", "parts": [{"type": "text", "text": "hi"}]}]}


@pytest.mark.parametrize(
    ("query", "headers", "body", "protocol"),
    [
        ("", {}, ASSISTANT_UI, "data-stream"),
        ("", {}, USE_CHAT, "ui-message-stream"),
        ("", {}, {**ASSISTANT_UI, "trigger": "submit-message"}, "ui-message-stream"),
        ("", {"x-hearth-protocol": "ui-message-stream"}, ASSISTANT_UI, "ui-message-stream"),
        (
            "protocol=data-stream",
            {"x-hearth-protocol": "ui-message-stream"},
            USE_CHAT,
            "data-stream",
        ),
    ],
)
def test_the_format_is_the_query_then_the_header_then_the_body_shape(
    query: str, headers: dict[str, str], body: dict[str, Any], protocol: str
) -> None:
    assert parse_chat(_request(query, headers), body).protocol == protocol


def test_a_bad_protocol_header_names_the_header() -> None:
    with pytest.raises(ApiError) as refused:
        parse_chat(_request(headers={"x-hearth-protocol": "xml"}), ASSISTANT_UI)
    assert (refused.value.status, refused.value.field) == (400, "x-hearth-protocol")


def test_either_clients_body_reads_as_the_same_request() -> None:
    said = parse_chat(_request(), {**ASSISTANT_UI, "threadId": "t1", "system": "Be brief."})
    sent = parse_chat(_request(), {**USE_CHAT, "system": "Be brief."})
    assert (said.thread_ref, said.text, said.system) == ("t1", "hi", "Be brief.")
    assert (sent.thread_ref, sent.text, sent.system) == ("t1", "hi", "Be brief.")


def test_tool_results_are_a_request_with_no_new_text() -> None:
    result = {"type": "tool-result", "toolCallId": "c1", "output": {"type": "json", "value": 1}}
    body = {"messages": [*ASSISTANT_UI["messages"], {"role": "tool", "content": [result]}]}
    chat = parse_chat(_request(), body)
    assert chat.text == "" and chat.tool_results == (ClientToolResult("c1", 1, False),)


async def test_a_body_that_is_no_object_is_refused(
    client: httpx.AsyncClient, alice: dict[str, str]
) -> None:
    response = await client.post(
        "/api/chat", content=b"[1, 2]", headers={**alice, "Content-Type": "application/json"}
    )
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["field"] == "body" and "must be a JSON object" in error["message"]


async def test_a_wrong_protocol_is_refused(
    client: httpx.AsyncClient, alice: dict[str, str]
) -> None:
    response = await client.post(
        "/api/chat?protocol=xml",
        json={"messages": [{"role": "user", "content": "hi"}]},
        headers=alice,
    )
    assert response.status_code == 400 and response.json()["error"]["field"] == "protocol"
