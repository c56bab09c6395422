"""Ask-first tools: the run waits for the owner's Approve or Deny, stored in the database."""

from __future__ import annotations

import asyncio

import pytest
from sqlmodel import select

from app.assistant.approvals import (
    ApprovalClosed,
    ApprovalNotFound,
    InvalidToolMode,
    UnknownTool,
    decide,
    set_tool_mode,
    tool_modes,
)
from app.assistant.conversation import ToolResultItem
from app.assistant.events import ApprovalDecided, ApprovalRequested, RunEvent, RunFinished
from app.assistant.tools import home_tool_registry
from app.db.models import Effect, Room, Run, ToolCall
from app.db.session import SessionFactory
from app.db.statuses import ToolMode
from tests.fakes.scripted_provider import ScriptedProvider, text_turn, tool_turn
from tests.support.assistant import build_runner, run_in
from tests.support.people import owned_thread, person

SET_KITCHEN = ("call_1", "set_room_temperature", '{"room": "kitchen", "celsius": 19}')
TOOLS = [spec.name for spec in home_tool_registry().specs]


async def _ask_first(sessions: SessionFactory, tool: str = "set_room_temperature") -> None:
    async with sessions() as session:
        admin = await person(session, "admin")
        await set_tool_mode(session, tool, "ask", TOOLS, admin)


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
        waiting = await session.get(ToolCall, run.request.tool_call_id)
        stored_run = await session.get(Run, run.request.run_id)
        assert waiting is not None and stored_run is not None
        assert waiting.status == "awaiting_approval" and waiting.approval_expires_at
        assert stored_run.status == "requires_action"
    assert await _kitchen(sessions) == 22
    # The decision is a database write: any tab or worker can make it.
    async with sessions() as session:
        await decide(session, run.request.tool_call_id, await person(session), approve=True)
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
        await decide(session, run.request.tool_call_id, await person(session), approve=False)
    await asyncio.wait_for(task, 5)
    assert run.finished.status == "completed"
    (result,) = [i for i in provider.requests[1].items if isinstance(i, ToolResultItem)]
    assert result.is_error and "denied this set_room_temperature call" in result.output
    async with sessions() as session:
        call = await session.get(ToolCall, run.request.tool_call_id)
        assert call is not None and call.status == "denied"
        assert (await session.exec(select(Effect))).all() == []
    assert await _kitchen(sessions) == 22


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
        call = await session.get(ToolCall, run.request.tool_call_id)
        assert call is not None and call.status == "cancelled"
        with pytest.raises(ApprovalClosed, match="the run ended without it"):
            await decide(session, run.request.tool_call_id, await person(session), True)
    assert await _kitchen(sessions) == 22


async def test_only_the_owner_decides_and_only_once(sessions: SessionFactory) -> None:
    await _ask_first(sessions)
    run = Run_(sessions, ScriptedProvider([tool_turn(SET_KITCHEN), text_turn("Done.")]))
    task = await run.start()
    call_id = run.request.tool_call_id
    async with sessions() as session:
        with pytest.raises(ApprovalNotFound, match=f"Tool call {call_id} is not in your threads"):
            await decide(session, call_id, await person(session, "mallory"), approve=True)
        owner = await person(session)
        await decide(session, call_id, owner, approve=False)
        with pytest.raises(ApprovalClosed, match="no longer waiting: it was denied"):
            await decide(session, call_id, owner, approve=True)
    await asyncio.wait_for(task, 5)
    assert await _kitchen(sessions) == 22


async def test_auto_tools_do_not_ask(sessions: SessionFactory) -> None:
    await _ask_first(sessions, "list_rooms")
    runner = build_runner(sessions, ScriptedProvider([tool_turn(SET_KITCHEN), text_turn("Done.")]))
    async with sessions() as session:
        thread_id = (await owned_thread(session)).id or 0
    events = [e async for e in run_in(runner, thread_id, "19")]
    assert not any(isinstance(e, ApprovalRequested) for e in events)
    assert await _kitchen(sessions) == 19


async def test_policies_are_validated(sessions: SessionFactory) -> None:
    async with sessions() as session:
        admin = await person(session, "admin")
        with pytest.raises(UnknownTool, match="There is no tool 'open_door'; tools: get_room"):
            await set_tool_mode(session, "open_door", "ask", TOOLS, admin)
        with pytest.raises(InvalidToolMode, match="'sometimes' is not a tool mode; use 'auto'"):
            await set_tool_mode(session, "list_rooms", "sometimes", TOOLS, admin)
        await set_tool_mode(session, "list_rooms", "ask", TOOLS, admin)
        await set_tool_mode(session, "list_rooms", "auto", TOOLS, admin)
        assert await tool_modes(session) == {"list_rooms": ToolMode.auto}
