"""The tool step of a run: calls run in order, failures become results the model reads,
"ask first" calls wait for the owner's Approve or Deny, and every outcome is recorded."""

from __future__ import annotations

import asyncio
import json
from contextlib import aclosing

import pytest
from sqlalchemy import event as sql_event
from sqlmodel import select

from app.assistant.approvals import ApprovalClosed, decide, set_tool_mode
from app.assistant.conversation import ToolResultItem
from app.assistant.events import (
    ApprovalDecided,
    ApprovalRequested,
    RunEvent,
    RunFinished,
    TextDelta,
    ToolCallFinished,
    ToolCallStarted,
)
from app.assistant.runs import request_stop
from app.assistant.tool_steps import _wait_text
from app.assistant.tools import home_tool_registry
from app.db.models import Effect, Message, Room, Run, ToolCall
from app.db.session import SessionFactory
from app.services import build_provider
from app.settings import Settings
from tests.fakes.scripted_provider import Pause, ScriptedProvider, text_turn, tool_turn
from tests.support.assistant import ask, build_runner, new_thread, run_in
from tests.support.people import owned_thread, person
from tests.support.statements import statements

SET_KITCHEN = ("call_1", "set_room_temperature", '{"room": "kitchen", "celsius": 19}')
TOOLS = [spec.name for spec in home_tool_registry().specs]


async def _ask_first(sessions: SessionFactory, tool: str = "set_room_temperature") -> None:
    async with sessions() as session:
        admin = await person(session, "admin")
        await set_tool_mode(session, tool, "ask", TOOLS, admin)


async def test_several_tools_in_one_turn_run_in_call_order(sessions: SessionFactory) -> None:
    provider = ScriptedProvider(
        [
            tool_turn(
                ("a", "set_room_temperature", '{"room": "bedroom", "celsius": 18}'),
                ("b", "get_room_temperature", '{"room": "bedroom"}'),
                ("c", "list_rooms", "{}"),
            ),
            text_turn("Done."),
        ]
    )
    events = await ask(build_runner(sessions, provider), await new_thread(sessions), "go")
    started = [e.call_id for e in events if isinstance(e, ToolCallStarted)]
    outputs = [json.loads(e.output) for e in events if isinstance(e, ToolCallFinished)]
    assert started == ["a", "b", "c"]
    assert outputs[1] == {"room": "bedroom", "celsius": 18}
    assert {"room": "bedroom", "celsius": 18} in outputs[2]["rooms"]
    results = [i for i in provider.requests[1].items if isinstance(i, ToolResultItem)]
    assert [r.call_id for r in results] == ["a", "b", "c"]


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (
            ("x", "open_garage", "{}"),
            "Unknown tool 'open_garage'; available tools: "
            "get_room_temperature, list_rooms, set_room_temperature, undo_last_change.",
        ),
        (
            ("x", "set_room_temperature", '{"room": "attic", "celsius": 20}'),
            "Room 'attic' not found; known rooms: bathroom, bedroom, home office, kitchen, living room.",
        ),
        (
            ("x", "set_room_temperature", '{"room": "kitchen", "celsius": 80}'),
            "80 °C is outside the kitchen's range; allowed: 5 to 35 °C.",
        ),
        (
            ("x", "set_room_temperature", '{"room": "kitchen", "celsius": true}'),
            "Temperature True is not a number of degrees Celsius; send a finite number such as 19 or 20.5.",
        ),
        (
            ("x", "set_room_temperature", '{"room": "kitchen", "celsius": NaN}'),
            "Temperature nan is not a number of degrees Celsius; send a finite number such as 19 or 20.5.",
        ),
        (
            ("x", "set_room_temperature", '{"room": "kitchen"'),
            "Arguments for set_room_temperature are not valid JSON (Expecting ',' delimiter at position 18); "
            'send an object such as {"room": "kitchen", "celsius": 19}.',
        ),
        (
            ("x", "set_room_temperature", '{"room": "kitchen"}'),
            "set_room_temperature needs 'celsius' (a number of degrees Celsius); got the fields ['room'].",
        ),
        (
            ("x", "get_room_temperature", "[1]"),
            'Arguments for get_room_temperature must be a JSON object such as {"room": "kitchen"}.',
        ),
    ],
)
async def test_failing_tools_become_results_the_model_reads(
    sessions: SessionFactory, call: tuple[str, str, str], expected: str
) -> None:
    provider = ScriptedProvider([tool_turn(call), text_turn("Sorry.")])
    events = await ask(build_runner(sessions, provider), await new_thread(sessions), "try")
    finished = next(e for e in events if isinstance(e, ToolCallFinished))
    assert finished.status == "error" and json.loads(finished.output)["error"] == expected
    result = next(i for i in provider.requests[1].items if isinstance(i, ToolResultItem))
    assert result.is_error and json.loads(result.output)["error"] == expected
    assert events[-1].status == "completed"
    async with sessions() as session:
        assert (await session.exec(select(Effect))).all() == []
        assert (await session.exec(select(ToolCall))).one().status == "error"


async def test_stop_during_a_tool_keeps_its_result_and_shows_nothing_after(
    sessions: SessionFactory,
) -> None:
    silent = Pause()  # the next turn never answers: only the Stop can end the run
    provider = ScriptedProvider([tool_turn(SET_KITCHEN), [silent, *text_turn("never")]])
    runner = build_runner(sessions, provider)
    thread_id = await new_thread(sessions)
    events: list[RunEvent] = []
    async with aclosing(run_in(runner, thread_id, "set kitchen to 19")) as stream:
        async for event in stream:
            events.append(event)
            if isinstance(event, ToolCallStarted):
                async with sessions() as session:
                    await request_stop(session, event.run_id, await person(session))
    assert events[-1].kind == "run_finished" and events[-1].status == "cancelled"
    assert not any(isinstance(e, TextDelta) for e in events)
    async with sessions() as session:
        kitchen = (await session.exec(select(Room).where(Room.name == "kitchen"))).one()
        effects = (await session.exec(select(Effect))).all()
        call = (await session.exec(select(ToolCall))).one()
    # The Stop may land before or after the tool's transaction commits: either the change,
    # its ledger row and its result are all kept, or none of them is.
    if call.status == "done":
        assert (kitchen.celsius, len(effects)) == (19, 1)
    else:
        assert (call.status, kitchen.celsius, effects) == ("cancelled", 22, [])


async def test_a_tool_that_crashes_is_an_error_result_and_changes_nothing(
    sessions: SessionFactory,
) -> None:
    from app.assistant.providers.base import ToolSpec
    from app.assistant.tools import HOME_TOOLS, Tool, ToolContext, ToolOutcome, ToolRegistry
    from app.home.rooms import set_room_temperature

    async def half_then_crash(arguments: dict, context: ToolContext) -> ToolOutcome:
        await set_room_temperature(context.session, "kitchen", 30, context.origin)
        raise RuntimeError("thermostat unplugged")

    broken = Tool(ToolSpec("broken", "Fails halfway.", {"type": "object"}), half_then_crash, "{}")
    provider = ScriptedProvider([tool_turn(("x", "broken", "{}")), text_turn("Sorry.")])
    runner = build_runner(sessions, provider, ToolRegistry([*HOME_TOOLS, broken]))
    events = await ask(runner, await new_thread(sessions), "break it")
    finished = next(e for e in events if isinstance(e, ToolCallFinished))
    assert (finished.status, json.loads(finished.output)) == (
        "error",
        {"error": "The tool broken failed unexpectedly; nothing was changed."},
    )
    assert events[-1].status == "completed"
    async with sessions() as session:
        kitchen = (await session.exec(select(Room).where(Room.name == "kitchen"))).one()
        assert kitchen.celsius == 22
        assert (await session.exec(select(Effect))).all() == []
        assert (await session.exec(select(ToolCall))).one().status == "error"


async def test_effects_record_the_thread_owner(sessions: SessionFactory) -> None:
    provider = ScriptedProvider([tool_turn(SET_KITCHEN), text_turn("Done.")])
    events = await ask(build_runner(sessions, provider), await new_thread(sessions), "19")
    assert events[-1].status == "completed"
    async with sessions() as session:
        effect = (await session.exec(select(Effect))).one()
        assert effect.user_id == await person(session)


class Run_:
    """A run in the background, and the approval request it is waiting on."""

    def __init__(self, sessions: SessionFactory, provider: ScriptedProvider, **config) -> None:
        self.runner = build_runner(sessions, provider, **config)
        self.sessions = sessions
        self.events: list[RunEvent] = []
        self.asked = asyncio.Event()

    async def start(self) -> asyncio.Task[None]:
        async with self.sessions() as session:
            thread_id = (await owned_thread(session)).id or 0

        async def drive() -> None:
            async for event in run_in(self.runner, thread_id, "set the kitchen to 19"):
                self.events.append(event)
                if isinstance(event, ApprovalRequested):
                    self.asked.set()

        task = asyncio.create_task(drive())
        await asyncio.wait_for(self.asked.wait(), 5)
        return task

    @property
    def request(self) -> ApprovalRequested:
        return next(e for e in self.events if isinstance(e, ApprovalRequested))

    @property
    def finished(self) -> RunFinished:
        assert isinstance(self.events[-1], RunFinished)
        return self.events[-1]


async def _kitchen(sessions: SessionFactory) -> float:
    async with sessions() as session:
        return (await session.exec(select(Room).where(Room.name == "kitchen"))).one().celsius


async def test_an_ask_first_tool_waits_and_runs_once_approved(sessions: SessionFactory) -> None:
    await _ask_first(sessions)
    run = Run_(sessions, ScriptedProvider([tool_turn(SET_KITCHEN), text_turn("Done.")]))
    task = await run.start()
    async with sessions() as session:
        waiting = await session.get(ToolCall, run.request.call_row_id)
        stored_run = await session.get(Run, run.request.run_id)
        assert waiting is not None and stored_run is not None
        assert waiting.status == "awaiting_approval" and waiting.approval_expires_at
        assert stored_run.status == "requires_action"
    assert await _kitchen(sessions) == 22
    # The decision is a database write: any tab or worker can make it.
    async with sessions() as session:
        await decide(session, run.request.call_row_id, await person(session), approve=True)
    await asyncio.wait_for(task, 5)
    assert run.finished.status == "completed"
    assert any(isinstance(e, ApprovalDecided) and e.approved for e in run.events)
    assert await _kitchen(sessions) == 19


async def test_a_denial_is_told_to_the_model_and_changes_nothing(
    sessions: SessionFactory,
) -> None:
    await _ask_first(sessions)
    provider = ScriptedProvider([tool_turn(SET_KITCHEN), text_turn("Understood.")])
    run = Run_(sessions, provider)
    task = await run.start()
    async with sessions() as session:
        await decide(session, run.request.call_row_id, await person(session), approve=False)
    await asyncio.wait_for(task, 5)
    assert run.finished.status == "completed"
    (result,) = [i for i in provider.requests[1].items if isinstance(i, ToolResultItem)]
    assert result.is_error and "denied this set_room_temperature call" in result.output
    async with sessions() as session:
        call = await session.get(ToolCall, run.request.call_row_id)
        assert call is not None and call.status == "denied"
        assert (await session.exec(select(Effect))).all() == []
    assert await _kitchen(sessions) == 22


async def test_the_offline_reply_to_a_denial_speaks_to_the_person(
    sessions: SessionFactory,
) -> None:
    """The model's result says "Do not try it again unless they ask": that is for the model;
    the person reads that they said no and nothing changed."""
    await _ask_first(sessions)
    provider = build_provider(Settings(offline_chunk_delay_s=0), sessions)
    run = Run_(sessions, provider)  # type: ignore[arg-type]
    task = await run.start()
    async with sessions() as session:
        await decide(session, run.request.call_row_id, await person(session), approve=False)
    await asyncio.wait_for(task, 5)
    reply = "".join(e.text for e in run.events if isinstance(e, TextDelta))
    assert reply == "You denied this; nothing was changed."
    finished = next(e for e in run.events if isinstance(e, ToolCallFinished))
    output = json.loads(finished.output)
    assert output["problem"] == "denied" and "Do not try it again" in output["error"]


async def test_an_unanswered_request_expires_the_run(sessions: SessionFactory) -> None:
    await _ask_first(sessions)
    run = Run_(sessions, ScriptedProvider([tool_turn(SET_KITCHEN)]), approval_timeout_s=0.3)
    task = await run.start()
    await asyncio.wait_for(task, 5)
    assert run.finished.status == "expired"
    assert "No one answered the request to run set_room_temperature within 0.3 seconds" in (
        run.finished.error or ""
    )
    async with sessions() as session:
        call = await session.get(ToolCall, run.request.call_row_id)
        assert call is not None and call.status == "cancelled"
        with pytest.raises(ApprovalClosed, match="the run ended without it"):
            await decide(session, run.request.call_row_id, await person(session), True)
    assert await _kitchen(sessions) == 22


async def test_auto_tools_do_not_ask(sessions: SessionFactory) -> None:
    await _ask_first(sessions, "list_rooms")
    runner = build_runner(sessions, ScriptedProvider([tool_turn(SET_KITCHEN), text_turn("Done.")]))
    async with sessions() as session:
        thread_id = (await owned_thread(session)).id or 0
    events = [e async for e in run_in(runner, thread_id, "19")]
    assert not any(isinstance(e, ApprovalRequested) for e in events)
    assert await _kitchen(sessions) == 19


async def test_calls_that_run_at_once_commit_with_their_outcomes_in_one_transaction(
    sessions: SessionFactory,
) -> None:
    provider = ScriptedProvider([tool_turn(SET_KITCHEN), text_turn("Done.")])
    runner = build_runner(sessions, provider)
    thread_id = await new_thread(sessions)
    commits = 0

    def count(_conn: object) -> None:
        nonlocal commits
        commits += 1

    engine = sessions.kw["bind"].sync_engine
    sql_event.listen(engine, "commit", count)
    try:
        with statements(sessions) as seen:
            events = await ask(runner, thread_id, "kitchen to 19")
    finally:
        sql_event.remove(engine, "commit", count)
    assert [e.kind for e in events if e.kind.startswith("tool_call")] == [
        "tool_call_started",
        "tool_call_finished",
    ]
    # The run's start, the tool step (calls, change, ledger row, results, message), its end.
    assert commits == 3
    assert [s.split(" SET ")[0] for s in seen if s.startswith("UPDATE message")] == [
        "UPDATE message",  # the tool step's
        "UPDATE message",  # the reply's end
    ]


async def test_a_stop_during_a_change_waits_for_it_to_be_kept_whole(
    sessions: SessionFactory,
) -> None:
    """A Stop pressed while a tool is changing the home does not cut the change in half:
    the change, its ledger row, the call's result and the message's cards are all kept,
    then the run ends stopped."""
    from app.assistant.providers.base import ToolSpec
    from app.assistant.tools import HOME_TOOLS, Tool, ToolContext, ToolOutcome, ToolRegistry
    from app.home.rooms import set_room_temperature

    halfway = Pause()

    async def slow_set(arguments: dict, context: ToolContext) -> ToolOutcome:
        effect = await set_room_temperature(context.session, "kitchen", 19, context.origin)
        halfway.reached.set()
        await halfway.release.wait()
        return ToolOutcome({"room": "kitchen", "celsius": 19}, effects=(effect,))

    slow = Tool(ToolSpec("slow_set", "Sets slowly.", {"type": "object"}), slow_set, "{}")
    provider = ScriptedProvider([tool_turn(("s", "slow_set", "{}")), text_turn("never")])
    runner = build_runner(sessions, provider, ToolRegistry([*HOME_TOOLS, slow]))
    thread_id = await new_thread(sessions)
    async with sessions() as session:
        user_id = await person(session)
    run = await runner.start_run(thread_id, "set it slowly", user_id=user_id)
    await asyncio.wait_for(halfway.reached.wait(), 5)
    run.stop()  # as a Stop in this process does: the driving task is cancelled at once
    await asyncio.sleep(0.05)  # the Stop has landed; the change is still being made
    halfway.release.set()
    await asyncio.wait_for(run.finished(), 5)
    async with sessions() as session:
        kitchen = (await session.exec(select(Room).where(Room.name == "kitchen"))).one()
        effects = (await session.exec(select(Effect))).all()
        call = (await session.exec(select(ToolCall))).one()
        row = await session.get(Run, run.run_id)
        reply = (await session.exec(select(Message).where(Message.role == "assistant"))).one()
    assert (kitchen.celsius, len(effects), call.status) == (19, 1, "done")
    assert row is not None and row.status == "cancelled"
    assert [p["type"] for p in reply.parts] == ["tool-call", "tool-result", "effect"]


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(1, "1 second"), (0.3, "0.3 seconds"), (90, "90 seconds"), (300, "5 minutes")],
)
def test_how_long_an_approval_waited_reads_in_words(seconds: float, words: str) -> None:
    assert _wait_text(seconds) == words
