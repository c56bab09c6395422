"""Tool policies and the owner's Approve / Deny, stored in the database (the run that waits
for them: test_tool_steps.py)."""

from __future__ import annotations

import pytest

from app.assistant.approvals import (
    ApprovalClosed,
    ApprovalNotFound,
    InvalidToolMode,
    UnknownTool,
    call_status,
    decide,
    set_tool_mode,
    tool_modes,
)
from app.assistant.tools import home_tool_registry
from app.db.session import SessionFactory
from app.db.statuses import ToolMode
from tests.support.people import owned_thread, person, waiting_for_approval

SET_KITCHEN = ("call_1", "set_room_temperature", '{"room": "kitchen", "celsius": 19}')
TOOLS = [spec.name for spec in home_tool_registry().specs]


async def _ask_first(sessions: SessionFactory, tool: str = "set_room_temperature") -> None:
    async with sessions() as session:
        admin = await person(session, "admin")
        await set_tool_mode(session, tool, "ask", TOOLS, admin)


async def test_only_the_owner_decides_and_only_once(sessions: SessionFactory) -> None:
    async with sessions() as session:
        owner, mallory = await person(session), await person(session, "mallory")
        thread = await owned_thread(session)
        _, call = await waiting_for_approval(
            session, thread.id or 0, owner, "kitchen to 19", "c1", SET_KITCHEN[2]
        )
        call_id = call.id or 0
        with pytest.raises(ApprovalNotFound, match=f"Tool call {call_id} is not in your threads"):
            await decide(session, call_id, mallory, approve=True)
        await decide(session, call_id, owner, approve=False)
        with pytest.raises(ApprovalClosed, match="no longer waiting: it was denied"):
            await decide(session, call_id, owner, approve=True)
        assert await call_status(session, call_id) == "denied"


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
