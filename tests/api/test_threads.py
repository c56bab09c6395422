"""`/api/threads`: a person's threads listed, read and deleted, another's a 404. Thread and
approval ids in a URL or a body: a number no row can have, or digits that are not
ASCII, are refused with a clear answer (never a 500); nothing is read, made or changed."""

from __future__ import annotations

import httpx
import pytest
from sqlmodel import select

from app.assistant.threads import create_thread
from app.db.models import Message, Thread
from app.db.session import SessionFactory
from app.services import build_provider
from app.settings import Settings
from tests.fakes.openai_server import FakeOpenAI, Turn
from tests.support.assistant import ask, build_runner
from tests.support.people import person

# ids are INTEGER columns: int4 on Postgres (2**31 - 1), int8 on SQLite (2**63 - 1).
TOO_BIG = [str(2**31), str(2**63), "99999999999999999999"]
# Digits to `str.isdigit()`, but not to a person typing a thread number: superscript two,
# Arabic-Indic three, fullwidth one.
NOT_ASCII = ["\u00b2", "\u0663", "\uff11"]


@pytest.mark.parametrize("ref", TOO_BIG)
async def test_a_thread_number_beyond_any_thread_is_400(
    client: httpx.AsyncClient, alice: dict[str, str], ref: str
) -> None:
    for method in ("GET", "DELETE"):
        response = await client.request(method, f"/api/threads/{ref}", headers=alice)
        assert response.status_code == 400, response.text
        error = response.json()["error"]
        assert error["field"] == "thread_id"
        assert "Thread numbers go from 1 to 2,147,483,647" in error["message"]


@pytest.mark.parametrize("ref", NOT_ASCII)
async def test_digits_that_are_not_ascii_are_not_a_thread_number(
    client: httpx.AsyncClient, alice: dict[str, str], sessions: SessionFactory, ref: str
) -> None:
    async with sessions() as session:
        user_id = await person(session, "alice")
        # Thread 1, 2 and 3 exist: '³' or '٣' must not reach any of them.
        for title in ("one", "two", "three"):
            await create_thread(session, user_id, title)
    for method in ("GET", "DELETE"):
        response = await client.request(method, f"/api/threads/{ref}", headers=alice)
        assert response.status_code == 400, response.text
        error = response.json()["error"]
        assert error["field"] == "thread_id" and "letters, digits" in error["message"]
    async with sessions() as session:
        threads = (await session.exec(select(Thread))).all()
    assert [t.deleted_at for t in threads] == [None, None, None]


@pytest.mark.parametrize("ref", [*TOO_BIG, *NOT_ASCII])
async def test_a_chat_in_such_a_thread_is_400_and_makes_nothing(
    client: httpx.AsyncClient, alice: dict[str, str], sessions: SessionFactory, ref: str
) -> None:
    response = await client.post(
        "/api/chat",
        json={"messages": [{"role": "user", "content": "hi"}], "threadId": ref},
        headers=alice,
    )
    assert response.status_code == 400, response.text
    assert response.json()["error"]["field"] == "threadId"
    async with sessions() as session:
        assert (await session.exec(select(Thread))).all() == []
        assert (await session.exec(select(Message))).all() == []


async def test_a_numeric_thread_id_in_json_is_checked_the_same(
    client: httpx.AsyncClient, alice: dict[str, str]
) -> None:
    response = await client.post(
        "/api/chat",
        json={"messages": [{"role": "user", "content": "hi"}], "threadId": 2**63},
        headers=alice,
    )
    assert response.status_code == 400, response.text
    assert "Thread numbers go from 1" in response.json()["error"]["message"]


@pytest.mark.parametrize("approval_id", [*TOO_BIG, *NOT_ASCII])
async def test_an_approval_id_no_call_can_have_is_404(
    client: httpx.AsyncClient, alice: dict[str, str], approval_id: str
) -> None:
    response = await client.post(
        f"/api/approvals/{approval_id}", json={"approved": True}, headers=alice
    )
    assert response.status_code == 404, response.text
    message = response.json()["error"]["message"]
    assert message == f"There is no approval {approval_id!r} in your threads."


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


async def test_a_reply_read_back_says_who_answered_where_the_hybrid_chose(
    client: httpx.AsyncClient, alice: dict[str, str], sessions: SessionFactory, fake: FakeOpenAI
) -> None:
    async with sessions() as session:
        thread = await create_thread(session, await person(session, "alice"), "Mine")
    settings = Settings(provider="hybrid", base_url=fake.base_url, offline_chunk_delay_s=0)
    runner = build_runner(sessions, build_provider(settings, sessions))
    await ask(runner, thread.id or 0, "set the kitchen to 19")
    fake.script(Turn(text=["Quite cosy."]))
    await ask(runner, thread.id or 0, "is it cosy at home?")

    ui = (await client.get(f"/api/threads/{thread.id}?format=ui", headers=alice)).json()
    assert [m["metadata"].get("answeredBy") for m in ui["messages"]] == [
        None,
        "device",
        None,
        "model",
    ]
    content = (await client.get(f"/api/threads/{thread.id}?format=content", headers=alice)).json()
    assert [m.get("metadata") for m in content["messages"]] == [
        None,
        {"custom": {"answeredBy": "device"}},
        None,
        {"custom": {"answeredBy": "model"}},
    ]
