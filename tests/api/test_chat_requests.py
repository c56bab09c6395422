"""`/api/chat` and `/api/threads` refusals: bad bodies name the field; tokens and owners are
checked; the REST view of threads (served by the real Starlette app, in process)."""

from __future__ import annotations

import httpx
import pytest
import reflex as rx
from reflex_base.config import get_config
from sqlmodel import select

from app.accounts.api_tokens import create_api_token, revoke_api_token
from app.api.routes import build_api
from app.assistant.threads import create_thread
from app.db.models import Thread
from app.db.session import SessionFactory
from tests.support.api_server import api_client
from tests.support.people import person


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        (b"not json", "body", "is not JSON"),
        (b"", "body", "is empty"),
        (b"[1, 2]", "body", "must be a JSON object"),
        (b'{"messages": []}', "messages", "non-empty list"),
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
        (
            b'{"messages": [{"role": "user", "content": "hi"}, {"role": "tool", "content": '
            b'[{"type": "tool-result", "toolCallId": "c1", "output": {"type": "xml"}}]}]}',
            "messages.1.content.0.output.type",
            "'json', 'text'",
        ),
        (
            b'{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "parts": '
            b'[{"type": "tool-locate", "state": "output-available", "output": 1}]}]}',
            "messages.1.parts.0.toolCallId",
            "1 to 100 characters",
        ),
        (
            b'{"messages": [{"role": "user", "content": "hi"}], '
            b'"tools": {"set_room_temperature": {"parameters": {}}}}',
            "tools.set_room_temperature",
            "one of Hearth's own tools",
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
    response = await client.post(
        "/api/chat", content=body, headers={**alice, "Content-Type": "application/json"}
    )
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


async def test_tool_results_need_a_known_thread_with_a_call_waiting(
    client: httpx.AsyncClient, alice: dict[str, str], sessions: SessionFactory
) -> None:
    async with sessions() as session:
        mine = await create_thread(session, await person(session, "alice"), "Mine")
    answered = {"type": "tool-result", "toolCallId": "c1", "output": {"type": "json", "value": 1}}
    body = {
        "messages": [
            {"role": "user", "content": "where am I?"},
            {"role": "assistant", "content": [{"type": "tool-call", "toolCallId": "c1"}]},
            {"role": "tool", "content": [answered]},
        ]
    }
    unknown = await client.post("/api/chat", json={**body, "threadId": "nope"}, headers=alice)
    assert unknown.status_code == 404, unknown.text
    idle = await client.post("/api/chat", json={**body, "threadId": str(mine.id)}, headers=alice)
    assert idle.status_code == 400, idle.text
    error = idle.json()["error"]
    assert (
        error["field"] == "messages"
        and "No tool call in this thread is waiting" in error["message"]
    )


async def test_the_openapi_description_is_served_without_a_token(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"] == "3.1.0"
    # It states the limit this deployment applies (HEARTH_API_MAX_BODY_BYTES=5000 here).
    assert "5,000 bytes" in document["paths"]["/api/chat"]["post"]["description"]


async def test_a_front_end_on_another_origin_can_read_the_stream_headers(
    api_settings: None, alice: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the CORS middleware Reflex puts on the API (as `make run` serves it), for an
    origin listed in HEARTH_CORS_ORIGINS (rxconfig passes the list to Reflex)."""
    origin = {"Origin": "http://127.0.0.1:5173"}
    monkeypatch.setattr(get_config(), "cors_allowed_origins", (origin["Origin"],))
    api = build_api()
    rx.App._add_cors(api)
    async with api_client(api) as client:
        unlisted = await client.options(
            "/api/chat",
            headers={"Origin": "http://elsewhere.test", "Access-Control-Request-Method": "POST"},
        )
        assert "access-control-allow-origin" not in unlisted.headers
        preflight = await client.options(
            "/api/chat",
            headers={
                **origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type",
            },
        )
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == origin["Origin"]
        reply = await client.post(
            "/api/chat",
            json={"messages": [{"role": "user", "content": "hi"}]},
            headers={**alice, **origin},
        )
    assert reply.status_code == 200 and reply.headers["access-control-allow-origin"]
    exposed = reply.headers["access-control-expose-headers"].split(", ")
    assert "x-vercel-ai-data-stream" in exposed and "x-hearth-thread-id" in exposed


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


@pytest.mark.parametrize(
    "content", ["x" * 9000, "   ", "set the kitchen to 19\u0000"], ids=["long", "blank", "nul"]
)
async def test_a_refused_message_leaves_no_thread_behind(
    client: httpx.AsyncClient, alice: dict[str, str], sessions: SessionFactory, content: str
) -> None:
    body = {"id": "fresh", "messages": [{"role": "user", "content": content}]}
    response = await client.post("/api/chat", json=body, headers=alice)
    assert response.status_code == 400
    async with sessions() as session:
        assert (await session.exec(select(Thread))).all() == []


async def test_only_the_wire_names_are_read(
    client: httpx.AsyncClient, alice: dict[str, str]
) -> None:
    """`thread_id` is not `threadId`, nor `tool_call_id` `toolCallId`: Python's names for
    the fields are not the API's."""
    said = {"messages": [{"role": "user", "content": "hi"}], "thread_id": "mine"}
    new = await client.post("/api/chat", json=said, headers=alice)
    assert new.status_code == 200 and new.headers["x-hearth-thread-id"].startswith("api-")
    result = {"type": "tool-result", "tool_call_id": "c1", "result": 1}
    body = {"messages": [{"role": "user", "content": "hi"}, {"role": "tool", "content": [result]}]}
    refused = await client.post("/api/chat", json=body, headers=alice)
    assert refused.status_code == 400, refused.text
    assert refused.json()["error"]["field"] == "messages.1.content.0.toolCallId"
