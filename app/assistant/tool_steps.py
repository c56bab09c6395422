"""The tool step of a run: each call the model made is run, asked about, or left to the
client, and its outcome recorded with the message in one transaction.

A question never changes the home: a call that would change it, made in answer to a message
that is a question (`app.assistant.understanding.classify`, the offline assistant's own
reading), is held for the person's Approve or Deny whatever the tool's policy, with the
reason on the card.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.assistant.approvals import call_status, tool_modes
from app.assistant.events import (
    ApprovalDecided,
    ApprovalRequested,
    EffectRecorded,
    RunEvent,
    RunStatusChanged,
    ToolCallFinished,
    ToolCallStarted,
)
from app.assistant.message_parts import EffectPart, ToolResultPart, message_text
from app.assistant.providers.base import ProviderToolCall
from app.assistant.run_context import RunContext
from app.assistant.tools import ToolContext, ToolOutcome
from app.assistant.understanding.classify import is_question
from app.db.models import Message, ToolCall, utcnow
from app.db.statuses import EffectSource, Role, RunStatus, ToolCallStatus, ToolMode
from app.home.rooms import EffectOrigin, list_rooms

logger = logging.getLogger(__name__)


class ApprovalExpired(Exception):
    """Nobody answered an "ask first" request in time."""


def _wait_text(seconds: float) -> str:
    if seconds >= 120:
        return f"{seconds / 60:g} minutes"
    return f"{seconds:g} seconds"


async def run_tool_calls(run: RunContext, calls: list[ProviderToolCall]) -> AsyncIterator[RunEvent]:
    """Record the turn's calls, then take each in order: the client's own tools wait for
    the client; "ask first" tools, and changes asked for by a question, wait for Approve or
    Deny; the rest run at once."""
    recorder = run.recorder
    changes = [
        None if c.name in run.client.tool_names else run.tools.change_summary(c.name, c.arguments)
        for c in calls
    ]
    # One transaction: the calls recorded, and what decides how each is taken.
    async with run.sessions() as session:
        ids = await recorder.add_tool_calls(
            session, [(c.call_id, c.name, c.arguments) for c in calls]
        )
        modes = await tool_modes(session)
        asked = any(changes) and await _answers_a_question(session, run)
        await session.commit()
    recorder.committed()
    yield RunStatusChanged(run.run_id, RunStatus.requires_action)
    for row_id, call, change in zip(ids, calls, changes, strict=True):
        started = ToolCallStarted(run.run_id, row_id, call.call_id, call.name, call.arguments)
        if call.name in run.client.tool_names:
            await _set_status(run, row_id, ToolCallStatus.awaiting_client)
            yield started
            continue
        approved = True
        reason = f"You asked a question; {change}?" if asked and change else ""
        if reason or modes.get(call.name) == ToolMode.ask:
            if reason:
                logger.info("Run %s: %s held, the message was a question", run.run_id, call.name)
            expires_at = utcnow() + timedelta(seconds=run.config.approval_timeout_s)
            await _ask(run, row_id, expires_at, reason)
            yield ApprovalRequested(
                run.run_id, row_id, call.call_id, call.name, call.arguments, expires_at, reason
            )
            approved = await _wait_for_decision(run, row_id, call, expires_at)
            yield ApprovalDecided(run.run_id, row_id, approved)
        yield started
        outcome = await _run_tool(run, row_id, call) if approved else await _deny(run, row_id, call)
        yield ToolCallFinished(
            run.run_id,
            row_id,
            call.name,
            "denied" if not approved else "error" if outcome.is_error else "done",
            outcome.output_json,
        )
        for effect in outcome.effects:
            yield EffectRecorded(
                run.run_id, effect.id or 0, effect.room_name, effect.old_celsius, effect.new_celsius
            )


async def _run_tool(run: RunContext, row_id: int, call: ProviderToolCall) -> ToolOutcome:
    """Run one call; its row, its effects and the message parts commit together."""
    origin = EffectOrigin(
        source=EffectSource.assistant,
        user_id=run.recorder.user_id,
        thread_id=run.recorder.thread_id,
        run_id=run.run_id,
        tool_call_id=row_id,
    )
    started_at = utcnow()
    async with run.sessions() as session:
        try:
            outcome = await run.tools.call(call.name, call.arguments, ToolContext(session, origin))
        except Exception:
            logger.exception("Tool %s failed in run %s", call.name, run.run_id)
            await session.rollback()
            outcome = ToolOutcome(
                {"error": f"The tool {call.name} failed unexpectedly; nothing was changed."},
                is_error=True,
            )
        status = ToolCallStatus.error if outcome.is_error else ToolCallStatus.done
        await _record(session, run, row_id, call, outcome, status, started_at)
        await session.commit()
    run.recorder.committed()
    logger.debug("Tool %s -> %s", call.name, status)
    return outcome


async def _deny(run: RunContext, row_id: int, call: ProviderToolCall) -> ToolOutcome:
    """A denied call: nothing runs, and the model is told so as the call's result."""
    outcome = ToolOutcome(
        {
            "error": f"The person denied this {call.name} call; nothing was changed. "
            "Do not try it again unless they ask."
        },
        is_error=True,
    )
    async with run.sessions() as session:
        await _record(session, run, row_id, call, outcome, ToolCallStatus.denied, utcnow())
        await session.commit()
    run.recorder.committed()
    return outcome


async def _record(
    session: AsyncSession,
    run: RunContext,
    row_id: int,
    call: ProviderToolCall,
    outcome: ToolOutcome,
    status: ToolCallStatus,
    started_at: datetime,
) -> None:
    """Store a call's outcome on its row and in the message, in the caller's transaction."""
    await session.exec(
        update(ToolCall)
        .where(col(ToolCall.id) == row_id)
        .values(
            status=status,
            result=outcome.output,
            error=outcome.output.get("error") if outcome.is_error else None,
            started_at=started_at,
            finished_at=utcnow(),
        )
    )
    run.recorder.parts.append(
        ToolResultPart(
            row_id, call.call_id, call.name, outcome.output_json, outcome.is_error, status
        )
    )
    run.recorder.parts += [
        EffectPart(effect.id or 0, effect.room_name, effect.old_celsius, effect.new_celsius)
        for effect in outcome.effects
    ]
    await run.recorder.checkpoint(session)


async def _set_status(run: RunContext, row_id: int, status: ToolCallStatus) -> None:
    async with run.sessions() as session:
        row = await session.get(ToolCall, row_id)
        assert row is not None
        row.status = status
        await session.commit()


async def _latest_user_message(session: AsyncSession, run: RunContext) -> Message | None:
    """The person's latest message before the run's reply: from the thread as the run read
    it on its first turn, or else from the database."""
    if run.memory.earlier is not None:
        asked = (m for m in reversed(run.memory.earlier) if m.role == Role.user)
        return next((m for m in asked if (m.id or 0) < run.recorder.message_id), None)
    latest = (
        select(Message)
        .where(
            Message.thread_id == run.recorder.thread_id,
            Message.role == Role.user,
            col(Message.id) < run.recorder.message_id,
        )
        .order_by(col(Message.id).desc())
        .limit(1)
    )
    return (await session.exec(latest)).first()


async def _answers_a_question(session: AsyncSession, run: RunContext) -> bool:
    """Whether the person's latest message (the one this run answers, or carries on from)
    is a question, read as the offline assistant reads it (with the rooms as the run's
    latest turn read them)."""
    message = await _latest_user_message(session, run)
    if message is None:
        return False
    rooms = run.memory.rooms
    if rooms is None:
        rooms = tuple(room.name for room in await list_rooms(session))
    return is_question(message_text(message.parts), run.config.language, list(rooms))


async def _ask(run: RunContext, row_id: int, expires_at: datetime, reason: str) -> None:
    async with run.sessions() as session:
        row = await session.get(ToolCall, row_id)
        assert row is not None
        row.status, row.approval_expires_at = ToolCallStatus.awaiting_approval, expires_at
        row.approval_reason = reason or None
        await run.recorder.checkpoint(session)
        await session.commit()


async def _wait_for_decision(
    run: RunContext, row_id: int, call: ProviderToolCall, expires_at: datetime
) -> bool:
    """Poll the database for the owner's answer (from any tab or worker), beating the heart
    meanwhile; the deadline ends the wait (and a Stop, by cancelling the run)."""
    last_checkpoint = run.clock()
    while True:
        await asyncio.sleep(run.config.stop_poll_interval_s)
        async with run.sessions() as session:
            status = await call_status(session, row_id)
        if status == ToolCallStatus.running:
            return True
        if status == ToolCallStatus.denied:
            return False
        if utcnow() >= expires_at:
            raise ApprovalExpired(
                f"No one answered the request to run {call.name} within "
                f"{_wait_text(run.config.approval_timeout_s)}; nothing was changed."
            )
        if run.clock() - last_checkpoint >= run.config.checkpoint_interval_s:
            last_checkpoint = run.clock()
            await run.recorder.beat()
