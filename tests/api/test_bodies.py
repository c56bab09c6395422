"""Request bodies that are not plain JSON text Hearth can store are refused with a 400 (or a
415 for a body that is not sent as JSON) naming what is wrong; nothing is created."""

from __future__ import annotations

import httpx
import pytest
from sqlmodel import select

from app.db.models import Message, Thread
from app.db.session import SessionFactory

JSON = {"Content-Type": "application/json"}


def _chat(content: str) -> bytes:
    return b'{"messages": [{"role": "user", "content": "' + content.encode() + b'"}]}'


async def _nothing_stored(sessions: SessionFactory) -> None:
    async with sessions() as session:
        assert (await session.exec(select(Thread))).all() == []
        assert (await session.exec(select(Message))).all() == []


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        (b"[" * 1000 + b"]" * 1000, "body", "nests deeper than 64 levels"),
        (
            b'{"messages": [{"role": "user", "content": "hi"}], "tools": {"t": {"parameters": '
            + b'{"a": ' * 70
            + b"1"
            + b"}" * 70
            + b"}}}",
            "body",
            "nests deeper than 64 levels",
        ),
        (_chat("a\\ud800b"), "messages.0.content", "lone surrogate (U+D800)"),
        (_chat("a\\udfffb"), "messages.0.content", "lone surrogate (U+DFFF)"),
        (_chat("a\\u0000b"), "messages.0.content", "NUL character"),
        (
            b'{"messages": [{"role": "user", "content": "hi"}], "system": "x\\u0000"}',
            "system",
            "NUL character",
        ),
        (
            b'{"messages": [{"role": "user", "content": "hi"}], "tools": {"a\\ud800": {}}}',
            "tools",
            "lone surrogate",
        ),
        (b'{"messages": [{"role": "user", "content": "hi"}], "n": NaN}', "body", "NaN"),
        (b'{"messages": [{"role": "user", "content": "hi"}], "n": Infinity}', "body", "Infinity"),
        (b'{"messages": [{"role": "user", "content": "hi"}], "n": -Infinity}', "body", "Infinity"),
        (b'{"messages": [{"role": "user", "content": "hi"}], "n": 1e999}', "body", "1e999"),
    ],
)
async def test_json_hearth_cannot_store_is_refused(
    client: httpx.AsyncClient,
    alice: dict[str, str],
    sessions: SessionFactory,
    body: bytes,
    field: str,
    says: str,
) -> None:
    response = await client.post("/api/chat", content=body, headers={**alice, **JSON})
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["field"] == field and says in error["message"], error
    await _nothing_stored(sessions)


@pytest.mark.parametrize(
    ("content_type", "says"),
    [
        (None, "no Content-Type"),
        ("text/plain", "'text/plain'"),
        ("application/x-www-form-urlencoded", "'application/x-www-form-urlencoded'"),
        ("multipart/form-data; boundary=x", "'multipart/form-data'"),
    ],
)
async def test_a_body_not_sent_as_json_is_415(
    client: httpx.AsyncClient,
    alice: dict[str, str],
    sessions: SessionFactory,
    content_type: str | None,
    says: str,
) -> None:
    headers = {**alice, **({"Content-Type": content_type} if content_type else {})}
    for path in ("/api/chat", "/api/approvals/1"):
        body = _chat("hi") if path == "/api/chat" else b'{"approved": true}'
        response = await client.post(path, content=body, headers=headers)
        assert response.status_code == 415, response.text
        error = response.json()["error"]
        assert error["field"] == "Content-Type"
        assert says in error["message"] and "application/json" in error["message"]
    await _nothing_stored(sessions)


@pytest.mark.parametrize(
    "content_type", ["application/json", "application/json; charset=utf-8", "Application/JSON"]
)
async def test_json_with_or_without_a_charset_is_read(
    client: httpx.AsyncClient, alice: dict[str, str], content_type: str
) -> None:
    response = await client.post(
        "/api/chat", content=_chat("hi"), headers={**alice, "Content-Type": content_type}
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"not json", "is not JSON"),
        (b"", "is empty"),
        (
            b'{"messages": [{"role": "user", "content": "' + b"x" * 6000 + b'"}]}',
            "over the limit of 5,000 bytes",
        ),
    ],
)
async def test_a_body_that_is_empty_not_json_or_too_big_names_the_body(
    client: httpx.AsyncClient, alice: dict[str, str], body: bytes, says: str
) -> None:
    response = await client.post("/api/chat", content=body, headers={**alice, **JSON})
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["field"] == "body" and says in error["message"]
