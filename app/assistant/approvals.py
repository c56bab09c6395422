"""Tool policy ("run automatically" or "ask first") and the owner's Approve / Deny decisions.

A waiting call lives in the database (`awaiting_approval`), so the decision can come from any
tab or worker and survives a reload; the run that waits polls for it.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.assistant.errors import AssistantError
from app.assistant.runs import owned_runs
from app.db.models import ToolCall, ToolPolicy, utcnow
from app.db.statuses import ToolCallStatus, ToolMode


class UnknownTool(AssistantError):
    """A policy for a tool Hearth does not have."""

    def __init__(self, name: str, known: Iterable[str]) -> None:
        super().__init__(f"There is no tool '{name}'; tools: {', '.join(sorted(known))}.")


class InvalidToolMode(AssistantError):
    """A policy mode other than auto or ask."""

    def __init__(self, mode: str) -> None:
        super().__init__(
            f"'{mode}' is not a tool mode; use 'auto' (run automatically) or 'ask' (ask first)."
        )


class ApprovalNotFound(AssistantError):
    """A tool call that is not in the caller's threads."""

    def __init__(self, call_row_id: int) -> None:
        super().__init__(f"Tool call {call_row_id} is not in your threads.")


class ApprovalClosed(AssistantError):
    """A request answered already, or one that stopped waiting."""

    def __init__(self, status: str) -> None:
        said = {
            ToolCallStatus.denied: "it was denied",
            ToolCallStatus.cancelled: "the run ended without it",
        }.get(ToolCallStatus(status), "it was approved")
        super().__init__(f"This request is no longer waiting: {said}.")


async def tool_modes(session: AsyncSession) -> dict[str, ToolMode]:
    """Every tool with a policy row; tools without one run automatically."""
    rows = (await session.exec(select(ToolPolicy))).all()
    return {row.tool_name: ToolMode(row.mode) for row in rows}


async def set_tool_mode(
    session: AsyncSession, tool_name: str, mode: str, known: Iterable[str], admin_id: int
) -> None:
    """Change how a tool runs from now on (runs already waiting keep waiting)."""
    names = list(known)
    if tool_name not in names:
        raise UnknownTool(tool_name, names)
    if mode not in {m.value for m in ToolMode}:
        raise InvalidToolMode(mode)
    row = await session.get(ToolPolicy, tool_name)
    if row is None:
        row = ToolPolicy(tool_name=tool_name)
        session.add(row)
    row.mode, row.updated_by, row.updated_at = mode, admin_id, utcnow()
    await session.commit()


async def decide(session: AsyncSession, call_row_id: int, user_id: int, approve: bool) -> None:
    """The thread owner's answer; only a call still waiting can be answered (once)."""
    call = await session.get(ToolCall, call_row_id)
    owned = select(ToolCall.id).where(
        col(ToolCall.id) == call_row_id, col(ToolCall.run_id).in_(owned_runs(user_id))
    )
    if call is None or (await session.exec(owned)).first() is None:
        raise ApprovalNotFound(call_row_id)
    status = ToolCallStatus.running if approve else ToolCallStatus.denied
    result = await session.exec(
        update(ToolCall)
        .where(
            col(ToolCall.id) == call_row_id,
            col(ToolCall.status) == ToolCallStatus.awaiting_approval,
        )
        .values(status=status, decided_by=user_id, decided_at=utcnow())
    )
    await session.commit()
    if result.rowcount != 1:
        await session.refresh(call)
        raise ApprovalClosed(call.status)


async def call_status(session: AsyncSession, call_row_id: int) -> str:
    """A tool call's status as stored now."""
    return str(
        (await session.exec(select(ToolCall.status).where(ToolCall.id == call_row_id))).one()
    )
