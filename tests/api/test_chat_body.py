"""The body of `POST /api/chat` (served in process): messages, system prompt and the client's
tools are checked, and a refusal names the field and says what is allowed."""

from __future__ import annotations

import httpx
import pytest


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        (b'{"messages": []}', "messages", "non-empty list"),
        (b'{"messages": [{"role": "user", "content": "hi"}], "system": 3}', "system", "string"),
        (
            b'{"messages": [{"role": "user", "content": "hi"}], "tools": 3}',
            "tools",
            "object of tools",
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


@pytest.mark.parametrize(
    ("tools", "field"),
    [
        ({"x" * 65: {"parameters": {}}}, "tools"),
        ({"x" * 1000: {"parameters": {}}}, "tools"),
        ({"température": {"parameters": {}}}, "tools"),
        ({"٣": {"parameters": {}}}, "tools"),
        ([{"name": "a" * 65, "parameters": {}}], "tools.0"),
        ([{"name": "", "parameters": {}}], "tools.0"),
        ([{"name": "locate me", "parameters": {}}], "tools.0"),
    ],
)
async def test_tool_names_are_short_and_ascii(
    client: httpx.AsyncClient, alice: dict[str, str], tools: object, field: str
) -> None:
    response = await client.post(
        "/api/chat",
        json={"messages": [{"role": "user", "content": "hi"}], "tools": tools},
        headers=alice,
    )
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["field"] == field
    assert "1 to 64 ASCII letters, digits, '_' or '-'" in error["message"], error


async def test_a_tool_name_of_64_characters_is_taken(
    client: httpx.AsyncClient, alice: dict[str, str]
) -> None:
    response = await client.post(
        "/api/chat",
        json={
            "messages": [{"role": "user", "content": "hi"}],
            "tools": {"a_b-" * 16: {"parameters": {"type": "object"}}},
        },
        headers=alice,
    )
    assert response.status_code == 200, response.text
