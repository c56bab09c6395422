"""The messages of a chat request (served in process): the new user message, or the tool
results after it; a refusal names the message (and its part) at fault."""

from __future__ import annotations

import httpx
import pytest


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        (b'{"messages": [{"role": "assistant", "content": "hi"}]}', "messages", "no user message"),
        (
            b'{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", '
            b'"content": "hello"}]}',
            "messages.1",
            "the new user message, or the results",
        ),
        (
            b'{"messages": [{"role": "user", "content": "hi"}, {"role": "system", "content": "x"}]}',
            "messages.1.role",
            "'user', 'assistant' or 'tool'",
        ),
        (b'{"messages": [{"role": "user", "parts": "hi"}]}', "messages.0.parts", "list of parts"),
        (
            b'{"messages": [{"role": "user", "content": [{"text": "x"}]}]}',
            "messages.0.content.0",
            "`type`",
        ),
        (
            b'{"messages": [{"role": "user", "content": [{"type": "image"}]}]}',
            "messages.0.content",
            "no text or file part",
        ),
    ],
)
async def test_bad_bodies_name_the_field(
    client: httpx.AsyncClient, alice: dict[str, str], body: bytes, field: str, says: str
) -> None:
    response = await client.post(
        "/api/chat", content=body, headers={**alice, "Content-Type": "application/json"}
    )
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["field"] == field and says in error["message"]
