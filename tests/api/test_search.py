"""`GET /api/search`: a person's own messages that match, with the thread and message to open
and the matches marked; another person's and deleted threads never; bad searches a 400 that
says why; query syntax never an error."""

from __future__ import annotations

import httpx
import pytest

from app.accounts.api_tokens import create_api_token
from app.assistant.runs import create_run
from app.assistant.threads import delete_thread
from app.db.session import SessionFactory
from app.db.statuses import RunStatus
from tests.support.people import person


async def _asked(
    sessions: SessionFactory, username: str, text: str, client_id: str | None = None
) -> tuple[int, int]:
    """A new thread of `username` in which they asked `text`: (thread id, message id)."""
    async with sessions() as session:
        user_id = await person(session, username)
        run, asked, _ = await create_run(
            session, None, user_id, text, max_steps=8, provider="test", client_id=client_id
        )
        run.status = RunStatus.completed
        session.add(run)
        await session.commit()
    return run.thread_id, asked.id or 0


async def test_a_persons_matches_with_where_they_are(
    client: httpx.AsyncClient, alice: dict[str, str], sessions: SessionFactory
) -> None:
    thread_id, message_id = await _asked(sessions, "alice", "Set the Küche to 19.5 please")
    response = await client.get("/api/search", params={"q": "kuche 19.5"}, headers=alice)
    assert response.status_code == 200, response.text
    (hit,) = response.json()["hits"]
    assert hit["createdAt"].startswith("20")
    del hit["createdAt"]
    assert hit == {
        "threadId": str(thread_id),
        "threadNumber": thread_id,
        "threadTitle": "Set the Küche to 19.5 please",
        "messageId": message_id,
        "role": "user",
        "snippet": [
            {"text": "Set the ", "match": False},
            {"text": "Küche", "match": True},
            {"text": " to ", "match": False},
            {"text": "19.5", "match": True},
            {"text": " please", "match": False},
        ],
    }


async def test_a_client_named_thread_is_named_so(
    client: httpx.AsyncClient, alice: dict[str, str], sessions: SessionFactory
) -> None:
    thread_id, _ = await _asked(sessions, "alice", "the hall is cold", client_id="hall-chat")
    hits = (await client.get("/api/search?q=hall", headers=alice)).json()["hits"]
    assert [(h["threadId"], h["threadNumber"]) for h in hits] == [("hall-chat", thread_id)]


async def test_never_another_persons_nor_a_deleted_thread(
    client: httpx.AsyncClient, alice: dict[str, str], sessions: SessionFactory
) -> None:
    _, kept = await _asked(sessions, "alice", "the kitchen is cold")
    gone, _ = await _asked(sessions, "alice", "the kitchen is freezing")
    await _asked(sessions, "bob", "the kitchen is cold")
    async with sessions() as session:
        await delete_thread(session, gone, await person(session, "alice"))
        _, bobs_token = await create_api_token(session, await person(session, "bob"), "t")
    hits = (await client.get("/api/search?q=kitchen", headers=alice)).json()["hits"]
    assert [h["messageId"] for h in hits] == [kept]
    bob = {"Authorization": f"Bearer {bobs_token}"}
    hits = (await client.get("/api/search?q=freezing", headers=bob)).json()["hits"]
    assert hits == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "q: is required"),
        ("q=", "q: Type a word to search for (letters or digits)."),
        ("q=%3F%21+--", "q: Type a word to search for"),
        ("q=" + "x" * 201, "q: A search is at most 200 characters; this one has 201."),
        ("q=a.b.c.d.e.f.g.h.i.j.k.l.m", "q: A search is at most 12 words; this one has 13."),
        ("q=kitchen&limit=0", "limit: is a number from 1 to 50, not '0'."),
        ("q=kitchen&limit=51", "limit: is a number from 1 to 50"),
        ("q=kitchen&limit=%C2%B2", "limit: is a number from 1 to 50, not '²'."),
        ("q=kitchen&limit=ten", "limit: is a number from 1 to 50"),
    ],
)
async def test_a_search_that_cannot_be_made_is_400_saying_why(
    client: httpx.AsyncClient, alice: dict[str, str], query: str, message: str
) -> None:
    response = await client.get(f"/api/search?{query}", headers=alice)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["field"] == message.split(":")[0] and error["message"].startswith(message)


@pytest.mark.parametrize(
    "q", ['" OR *', "kitchen:* & !x", "NEAR(a b)", "%00kitchen", "a'b\\c", "🔥 kitchen", "%FF"]
)
async def test_query_syntax_is_never_an_error(
    client: httpx.AsyncClient, alice: dict[str, str], sessions: SessionFactory, q: str
) -> None:
    await _asked(sessions, "alice", "the kitchen or the bath")
    response = await client.get(f"/api/search?q={q}", headers=alice)
    assert response.status_code in (200, 400), response.text
    if response.status_code == 400:
        assert "Type a word" in response.json()["error"]["message"]


async def test_at_most_limit_hits(
    client: httpx.AsyncClient, alice: dict[str, str], sessions: SessionFactory
) -> None:
    for n in range(3):
        await _asked(sessions, "alice", f"kitchen {n}")
    hits = (await client.get("/api/search?q=kitchen&limit=2", headers=alice)).json()["hits"]
    assert len(hits) == 2


async def test_a_token_is_needed(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/search?q=kitchen")
    assert response.status_code == 401
    assert "No API token" in response.json()["error"]["message"]
