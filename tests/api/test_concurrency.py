"""One request, one change: many `POST /api/chat` at once against a real server (uvicorn on
loopback, the offline assistant) leave exactly one live run per thread, and the ledger holds
exactly one effect for every "set" that was accepted, none for those refused."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlmodel import col, select

from app.accounts.api_tokens import create_api_token
from app.db.models import Effect, Message, Run, Thread
from app.db.session import SessionFactory
from tests.support.api_server import serve_api
from tests.support.people import person


@pytest.fixture
def api(database_url: str, tmp_path: Path) -> Iterator[str]:
    with serve_api({"HEARTH_DATABASE_URL": database_url}, tmp_path / "api.log") as url:
        yield url


@pytest.fixture
def slow_api(database_url: str, tmp_path: Path) -> Iterator[str]:
    """The API with an offline assistant that takes seconds to reply, so a burst of requests
    all arrive while the first one's run is still live, however loaded the machine."""
    env = {"HEARTH_DATABASE_URL": database_url, "HEARTH_OFFLINE_CHUNK_DELAY_S": "0.5"}
    with serve_api(env, tmp_path / "api.log") as url:
        yield url


async def _token(sessions: SessionFactory, name: str) -> str:
    async with sessions() as session:
        _, token = await create_api_token(session, await person(session, name), "tests")
    return token


async def _chat(client: httpx.AsyncClient, token: str, thread: str, say: str) -> httpx.Response:
    body = {"id": thread, "messages": [{"role": "user", "content": say}]}
    response = await client.post(
        "/api/chat", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    await response.aread()
    return response


async def test_eight_starts_at_once_on_a_new_thread_make_one_run(
    slow_api: str, sessions: SessionFactory
) -> None:
    token = await _token(sessions, "alice")
    async with httpx.AsyncClient(base_url=slow_api, timeout=60) as client:
        responses = await asyncio.gather(
            # Never 22, the kitchen's own value: that would change nothing.
            *(_chat(client, token, "shared", f"set the kitchen to {17.5 + n}") for n in range(8))
        )
    codes = sorted(r.status_code for r in responses)
    assert codes.count(200) == 1 and codes.count(409) == 7, codes
    refused = next(r for r in responses if r.status_code == 409)
    assert "still answering" in refused.json()["error"]["message"]
    winner = next(r for r in responses if r.status_code == 200)
    asked = float(winner.request.content.decode().split("kitchen to ")[1].split('"')[0])
    async with sessions() as session:
        threads = (await session.exec(select(Thread))).all()
        runs = (await session.exec(select(Run))).all()
        users = (await session.exec(select(Message).where(Message.role == "user"))).all()
        effects = (await session.exec(select(Effect))).all()
    assert [t.client_id for t in threads] == ["shared"]
    assert len(runs) == 1 and runs[0].status == "completed"
    assert len(users) == 1 and users[0].parts[0]["text"] == f"set the kitchen to {asked:g}"
    assert [(e.room_name, e.new_celsius, e.run_id) for e in effects] == [
        ("kitchen", asked, runs[0].id)
    ]


async def test_the_ledger_equals_what_was_accepted_under_load(
    api: str, sessions: SessionFactory
) -> None:
    """10 people, 5 requests each at once: 3 into one thread of theirs, 2 into new ones."""
    tokens = [await _token(sessions, f"p{n}") for n in range(10)]
    rooms = ["kitchen", "bedroom", "living room", "bathroom", "home office"]
    values = iter([round(16.1 + 0.2 * n, 1) for n in range(50)])  # none a no-op
    random.seed(13)
    requests: list[tuple[str, str, str]] = []
    for person_n, token in enumerate(tokens):
        for n in range(5):
            thread = f"shared-{person_n}" if n < 3 else f"own-{person_n}-{n}"
            requests.append((token, thread, f"set the {random.choice(rooms)} to {next(values)}"))
    async with httpx.AsyncClient(base_url=api, timeout=120) as client:
        responses = await asyncio.gather(*(_chat(client, *r) for r in requests))
    accepted = {
        int(r.headers["x-hearth-run-id"]): say
        for r, (_, _, say) in zip(responses, requests, strict=True)
        if r.status_code == 200
    }
    assert {r.status_code for r in responses} <= {200, 409}
    async with sessions() as session:
        effects = (await session.exec(select(Effect).order_by(col(Effect.id)))).all()
        runs = (await session.exec(select(Run).order_by(col(Run.id)))).all()
    assert [r.id for r in runs if r.ended_at is None] == []
    # No two replies in one thread were ever live at the same time.
    for a in runs:
        for b in runs:
            if a.id != b.id and a.thread_id == b.thread_id:
                assert a.ended_at is not None and b.ended_at is not None
                assert a.ended_at <= b.created_at or b.ended_at <= a.created_at, (a, b)
    by_run: dict[int, list[Effect]] = {}
    for effect in effects:
        by_run.setdefault(effect.run_id or 0, []).append(effect)
    # Every effect belongs to an accepted request, and each accepted "set" made exactly one:
    # the one it asked for (values are all different, so no set is a no-op).
    assert set(by_run) == set(accepted)
    for run_id, say in accepted.items():
        (effect,) = by_run[run_id]
        assert say == f"set the {effect.room_name} to {effect.new_celsius:g}"
