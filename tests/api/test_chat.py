"""`POST /api/chat` (served by the real Starlette app, in process): Hearth's own tool names are
kept for Hearth, what the engine refuses is a 400 (or a 404 for a thread that is not there)
that leaves nothing behind, and a front end on another origin can read the stream's headers."""

from __future__ import annotations

import json

import httpx
import pytest
import reflex as rx
from reflex_base.config import get_config
from sqlmodel import select

from app.api.routes import build_api
from app.assistant.threads import create_thread
from app.db.models import Thread
from app.db.session import SessionFactory
from tests.support.api_server import api_client
from tests.support.offline import help_examples
from tests.support.people import person

# What the offline help offers after "hi".
EXAMPLES = help_examples("hi")


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        (
            b'{"messages": [{"role": "user", "content": "hi"}], '
            b'"tools": {"set_room_temperature": {"parameters": {}}}}',
            "tools.set_room_temperature",
            "one of Hearth's own tools",
        ),
        (
            b'{"messages": [{"role": "user", "content": "hi"}], "threadId": "a b"}',
            "threadId",
            "letters, digits",
        ),
        (b'{"messages": [{"role": "user", "content": ""}]}', "messages", "cannot be empty"),
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


async def test_suggestions_stream_as_a_data_part_and_load_with_the_history(
    client: httpx.AsyncClient, alice: dict[str, str]
) -> None:
    """The offline assistant (no model configured) offers its examples when it does not
    understand; useChat gets them as `data-suggestions`, live and when it loads the thread."""
    body = {
        "id": "hello",
        "messages": [{"role": "user", "parts": [{"type": "text", "text": "hi"}]}],
    }
    reply = await client.post("/api/chat?protocol=ui-message-stream", json=body, headers=alice)
    assert reply.status_code == 200
    chunks = [
        json.loads(line.removeprefix("data: "))
        for line in reply.text.splitlines()
        if line.startswith("data: {")
    ]
    offered = [c for c in chunks if c["type"] == "data-suggestions"]
    assert offered == [
        {"type": "data-suggestions", "data": {"texts": list(EXAMPLES)}, "id": offered[0]["id"]}
    ]
    assert [c["type"] for c in chunks][-2:] == ["finish-step", "finish"]
    history = (await client.get("/api/threads/hello?format=ui", headers=alice)).json()
    answer = history["messages"][-1]
    assert answer["parts"][-1] == {
        "type": "data-suggestions",
        "id": offered[0]["id"],
        "data": {"texts": list(EXAMPLES)},
    }
