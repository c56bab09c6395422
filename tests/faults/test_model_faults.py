"""One test per fault: the run ends with the right status, the stored text is exactly what
streamed (no loss, no duplicate), and the thread can go on afterwards."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from app.assistant.events import RunEvent, RunFinished, RunRetrying, TextDelta, ToolCallFinished
from app.assistant.message_parts import message_text
from app.assistant.runs import expire_stale_runs, request_stop
from app.db.models import Message, Run
from app.db.session import SessionFactory
from tests.fakes.openai_server import Call, FakeOpenAI, Turn
from tests.support.assistant import run_in
from tests.support.model_harness import Harness
from tests.support.people import owned_thread, person
from tests.support.waits import wait_until

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["chat", "responses"])
def api(request: pytest.FixtureRequest) -> str:
    return request.param


async def assert_invariants(sessions: SessionFactory, events: list[RunEvent]) -> RunFinished:
    """Exactly one terminal event, last; stored text == streamed text; statuses agree."""
    finished = [e for e in events if isinstance(e, RunFinished)]
    assert len(finished) == 1 and events[-1] is finished[0], "not exactly one terminal event"
    streamed = "".join(e.text for e in events if isinstance(e, TextDelta))
    async with sessions() as session:
        run = await session.get(Run, finished[0].run_id)
        message = await session.get(Message, events[0].assistant_message_id)
    assert run is not None and message is not None
    assert message_text(message.parts) == streamed, "stored text differs from what streamed"
    assert run.status == finished[0].status and run.ended_at is not None
    expected = {
        "completed": "complete",
        "cancelled": "incomplete",
        "failed": "incomplete" if streamed else "failed",
    }[run.status]
    assert message.status == expected
    return finished[0]


async def test_connection_refused_is_retried_then_fails_clearly(
    sessions: SessionFactory, fake: FakeOpenAI, api: str
) -> None:
    fake.stop()  # nobody listens on its port any more
    harness = Harness(sessions, fake, api)
    events = await harness.ask("hi")
    finished = await assert_invariants(sessions, events)
    assert finished.status == "failed"
    assert finished.error == (
        "The connection to the model server failed. Gave up after 3 attempts."
    )
    assert len([e for e in events if isinstance(e, RunRetrying)]) == 2


async def test_timeout_before_the_first_token_is_retried(
    sessions: SessionFactory, fake: FakeOpenAI, api: str
) -> None:
    fake.script(Turn(text=["late"], delay_s=1.0), Turn(text=["On ", "time."]))
    harness = Harness(sessions, fake, api, request_timeout_s=0.3)
    events = await harness.ask("hi")
    finished = await assert_invariants(sessions, events)
    assert finished.status == "completed"
    retry = next(e for e in events if isinstance(e, RunRetrying))
    assert retry.reason == "The model server did not answer in time (fake-model)."
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "On time."


@pytest.mark.parametrize("status", [429, 500, 502, 503])
async def test_rate_limits_and_server_errors_are_retried(
    sessions: SessionFactory, fake: FakeOpenAI, api: str, status: int
) -> None:
    fake.script(Turn(status=status, retry_after="0"), Turn(text=["Recovered."]))
    harness = Harness(sessions, fake, api)
    events = await harness.ask("hi")
    assert (await assert_invariants(sessions, events)).status == "completed"
    assert harness.delays == [0.0]


async def test_a_failure_after_text_keeps_it_and_retry_continues(
    sessions: SessionFactory, fake: FakeOpenAI, api: str
) -> None:
    cut = 3 if api == "chat" else 6
    fake.script(Turn(text=["The kitchen ", "is at ", "22 °C."], cut_after=cut))
    harness = Harness(sessions, fake, api)
    async with sessions() as session:
        thread_id = (await owned_thread(session)).id or 0
    events = [e async for e in run_in(harness.runner, thread_id, "kitchen?")]
    finished = await assert_invariants(sessions, events)
    assert finished.status == "failed" and "cut off" in (finished.error or "")

    fake.script(Turn(text=["Again: 22 °C."]))
    again = [e async for e in run_in(harness.runner, thread_id, "kitchen?")]
    assert (await assert_invariants(sessions, again)).status == "completed"
    sent = json.dumps(harness.conversation(1))
    assert "The kitchen is at " in sent, "the kept partial text was not part of the context"


async def test_malformed_tool_arguments_go_back_to_the_model(
    sessions: SessionFactory, fake: FakeOpenAI, api: str
) -> None:
    fake.script(
        Turn(calls=[Call("set_room_temperature", '{"room": "kitchen", "cel', "c1")]),
        Turn(text=["Let me fix that."]),
    )
    harness = Harness(sessions, fake, api)
    events = await harness.ask("kitchen to 19")
    assert (await assert_invariants(sessions, events)).status == "completed"
    result = next(e for e in events if isinstance(e, ToolCallFinished))
    assert result.status == "error" and "not valid JSON" in result.output


async def test_a_stop_recorded_anywhere_ends_the_run_with_its_text(
    sessions: SessionFactory, fake: FakeOpenAI, api: str
) -> None:
    fake.script(Turn(text=[f"word{i} " for i in range(200)], delay_s=0.02))
    harness = Harness(sessions, fake, api)
    events: list[RunEvent] = []

    async def drive() -> None:
        async for event in harness.ask_stream("tell me everything"):
            events.append(event)

    task = asyncio.create_task(drive())
    await wait_until(
        lambda: sum(isinstance(e, TextDelta) for e in events) >= 5, "five words streamed", 5
    )
    # Another tab, or another worker: all it has is the database.
    async with sessions() as session:
        assert await request_stop(session, events[0].run_id, await person(session))
    await asyncio.wait_for(task, 5)
    finished = await assert_invariants(sessions, events)
    assert finished.status == "cancelled"
    assert 5 <= sum(isinstance(e, TextDelta) for e in events) < 200


_CRASHING_WORKER = textwrap.dedent(
    """
    import asyncio, sys
    from tests.support.assistant import run_in
    from tests.support.people import owned_thread
    from app.db.session import create_engine_async, create_session_factory
    from tests.support.model_harness import Harness

    class Fake:
        base_url = sys.argv[2]

    async def main():
        sessions = create_session_factory(create_engine_async(sys.argv[1]))
        harness = Harness(sessions, Fake, sys.argv[3], checkpoint_interval_s=0.05)
        async with sessions() as session:
            thread = await owned_thread(session)
        print(thread.id, flush=True)
        async for event in run_in(harness.runner, thread.id, "a long story"):
            if event.kind == "text_delta":
                print("delta", flush=True)

    asyncio.run(main())
    """
)


async def test_a_worker_killed_mid_run_leaves_an_expired_run_with_its_text(
    sessions: SessionFactory, fake: FakeOpenAI, api: str, database_url: str
) -> None:
    fake.script(Turn(text=[f"line {i}. " for i in range(400)], delay_s=0.02))
    worker = subprocess.Popen(
        [sys.executable, "-c", _CRASHING_WORKER, database_url, fake.base_url, api],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert worker.stdout is not None
    thread_id = int(worker.stdout.readline())
    for _ in range(20):
        assert worker.stdout.readline().strip() == "delta"

    async def checkpointed() -> bool:
        async with sessions() as session:
            query = select(Message).where(Message.role == "assistant")
            return any(message_text(m.parts) for m in (await session.exec(query)).all())

    await wait_until(checkpointed, "the worker saved some of the reply at a checkpoint", 5)
    worker.send_signal(signal.SIGKILL)
    worker.wait()

    async with sessions() as session:
        run = (await session.exec(select(Run).where(Run.thread_id == thread_id))).one()
        assert run.status == "in_progress"
        assert await expire_stale_runs(session, timedelta(seconds=0)) == [run.id]
        message = (
            await session.exec(
                select(Message).where(Message.run_id == run.id, Message.role == "assistant")
            )
        ).one()
    kept = message_text(message.parts)
    full = "".join(f"line {i}. " for i in range(400))
    assert kept and full.startswith(kept), "the kept text is not what the model sent"
    assert message.status == "incomplete"

    fake.script(Turn(text=["Picking up again."]))
    harness = Harness(sessions, fake, api)
    again = [e async for e in run_in(harness.runner, thread_id, "go on")]
    assert (await assert_invariants(sessions, again)).status == "completed"
