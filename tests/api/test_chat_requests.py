"""`/api/chat` and `/api/threads` refusals: bad bodies name the field; tokens and owners are
checked; the REST view of threads (served by the real Starlette app, in process)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from app.accounts.api_tokens import create_api_token, revoke_api_token
from app.api.routes import build_api
from app.assistant.threads import create_thread
from app.db.session import SessionFactory
from app.services import get_services
from app.settings import get_settings
from tests.support.people import person


@pytest.fixture
async def client(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[httpx.AsyncClient]:
    monkeypatch.setenv("HEARTH_DATABASE_URL", database_url)
    monkeypatch.setenv("HEARTH_API_MAX_BODY_BYTES", "5000")
    get_settings.cache_clear()
    get_services.cache_clear()
    transport = httpx.ASGITransport(app=build_api())
    async with httpx.AsyncClient(transport=transport, base_url="http://hearth.test") as client:
        yield client
    # Close the app's pool in this event loop (aiosqlite's threads outlive it otherwise).
    await get_services().sessions.kw["bind"].dispose()
    get_services.cache_clear()
    get_settings.cache_clear()


@pytest.fixture
async def alice(sessions: SessionFactory) -> dict[str, str]:
    async with sessions() as session:
        _, token = await create_api_token(session, await person(session, "alice"), "tests")
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        (b"not json", "body", "is not JSON"),
        (b"", "body", "is empty"),
        (b"[1, 2]", "body", "must be a JSON object"),
        (b'{"messages": []}', "messages", "non-empty list"),
        (b'{"messages": [{"role": "assistant", "content": "hi"}]}', "messages.0.role", "'user'"),
        (b'{"messages": [{"role": "user", "parts": "hi"}]}', "messages.0.parts", "list of parts"),
        (
            b'{"messages": [{"role": "user", "content": [{"text": "x"}]}]}',
            "messages.0.content.0",
            "`type`",
        ),
        (
            b'{"messages": [{"role": "user", "content": [{"type": "image"}]}]}',
            "messages.0.content",
            "no text part",
        ),
        (b'{"messages": [{"role": "user", "content": "hi"}], "system": 3}', "system", "string"),
        (
            b'{"messages": [{"role": "user", "content": "hi"}], "tools": 3}',
            "tools",
            "object of tools",
        ),
        (
            b'{"messages": [{"role": "user", "content": "hi"}], "threadId": "a b"}',
            "threadId",
            "letters, digits",
        ),
        (b'{"messages": [{"role": "user", "content": ""}]}', "messages", "cannot be empty"),
        (
            b'{"messages": [{"role": "user", "content": "' + b"x" * 6000 + b'"}]}',
            "body",
            "over the limit of 5,000 bytes",
        ),
    ],
)
async def test_bad_bodies_name_the_field(
    client: httpx.AsyncClient, alice: dict[str, str], body: bytes, field: str, says: str
) -> None:
    response = await client.post("/api/chat", content=body, headers=alice)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["field"] == field and says in error["message"]


async def test_a_wrong_protocol_is_refused(
    client: httpx.AsyncClient, alice: dict[str, str]
) -> None:
    response = await client.post(
        "/api/chat?protocol=xml",
        json={"messages": [{"role": "user", "content": "hi"}]},
        headers=alice,
    )
    assert response.status_code == 400 and response.json()["error"]["field"] == "protocol"


@pytest.mark.parametrize(
    ("header", "says"),
    [
        ("", "No API token"),
        ("Basic abc", "not a bearer token"),
        ("Bearer hth_nope", "unknown or was revoked"),
    ],
)
async def test_without_a_good_token_everything_is_401(
    client: httpx.AsyncClient, header: str, says: str
) -> None:
    headers = {"Authorization": header} if header else {}
    for method, path in (("POST", "/api/chat"), ("GET", "/api/threads"), ("GET", "/api/threads/1")):
        response = await client.request(method, path, headers=headers, json={})
        assert response.status_code == 401
        assert says in response.json()["error"]["message"]
        assert response.headers["www-authenticate"] == "Bearer"


async def test_a_revoked_token_stops_working(
    client: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    async with sessions() as session:
        user_id = await person(session, "carol")
        row, token = await create_api_token(session, user_id, "old laptop")
    headers = {"Authorization": f"Bearer {token}"}
    assert (await client.get("/api/threads", headers=headers)).status_code == 200
    async with sessions() as session:
        await revoke_api_token(session, user_id, row.id or 0)
    assert (await client.get("/api/threads", headers=headers)).status_code == 401


async def test_threads_list_read_delete_and_another_persons_is_404(
    client: httpx.AsyncClient, alice: dict[str, str], sessions: SessionFactory
) -> None:
    async with sessions() as session:
        mine = await create_thread(session, await person(session, "alice"), "Mine")
        bobs = await create_thread(session, await person(session, "bob"), "Bob's")
    listed = (await client.get("/api/threads", headers=alice)).json()["threads"]
    assert [(t["id"], t["title"]) for t in listed] == [(str(mine.id), "Mine")]
    read = await client.get(f"/api/threads/{mine.id}?format=content", headers=alice)
    assert read.status_code == 200 and read.json()["messages"] == []
    for method in ("GET", "DELETE"):
        other = await client.request(method, f"/api/threads/{bobs.id}", headers=alice)
        assert other.status_code == 404 and "not found" in other.json()["error"]["message"]
    assert (await client.get("/api/threads/never-made", headers=alice)).status_code == 404
    bad = await client.get(f"/api/threads/{mine.id}?format=xml", headers=alice)
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "format"
    assert (await client.delete(f"/api/threads/{mine.id}", headers=alice)).status_code == 204
    assert (await client.get("/api/threads", headers=alice)).json()["threads"] == []
