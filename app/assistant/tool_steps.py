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
from collections.abc import AsyncIterator, Coroutine
from datetime import datetime, timedelta
from typing import Any, TypeVar

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

T = TypeVar("T")


class ApprovalExpired(Exception):
    """Nobody answered an "ask first" request in time."""


def _wait_text(seconds: float) -> str:
    """How long an approval waited, in words: '1 second', '90 seconds', '5 minutes'."""
    if seconds >= 120:
        return f"{seconds / 60:g} minutes"
    return f"{seconds:g} second" + ("" if f"{seconds:g}" == "1" else "s")


async def run_tool_calls(run: RunContext, calls: list[ProviderToolCall]) -> AsyncIterator[RunEvent]:
    """Record the turn's calls, then take each in order: the client's own tools wait for
    the client; "ask first" tools, and changes asked for by a question, wait for Approve or
    Deny; the rest run at once. When every call runs at once (the usual turn), the calls,
    their outcomes and the message commit in one transaction, which a Stop never cuts."""
    recorder = run.recorder
    changes = [
        None if c.name in run.client.tool_names else run.tools.change_summary(c.name, c.arguments)
        for c in calls
    ]
    async with run.sessions() as session:
        # What decides how each call is taken, then the calls recorded.
        modes = await tool_modes(session)
        asked = any(changes) and await _answers_a_question(session, run)
        reasons = [
            f"You asked a question; {change}?" if asked and change else "" for change in changes
        ]
        waits = [
            call.name in run.client.tool_names
            or bool(reason)
            or modes.get(call.name) == ToolMode.ask
            for call, reason in zip(calls, reasons, strict=True)
        ]
        done = None
        if not any(waits):
            done = await _finish_even_if_stopped(_run_all_now(session, run, calls))
        if done is None:
            ids = await recorder.add_tool_calls(
                session, [(c.call_id, c.name, c.arguments) for c in calls]
            )
            await session.commit()
    if done is not None:
        yield RunStatusChanged(run.run_id, RunStatus.requires_action)
        for row_id, call, outcome in done:
            yield ToolCallStarted(run.run_id, row_id, call.call_id, call.name, call.arguments)
            for event in _outcome_events(run, row_id, call, outcome, approved=True):
                yield event
        return
    recorder.committed()
    yield RunStatusChanged(run.run_id, RunStatus.requires_action)
    for row_id, call, reason in zip(ids, calls, reasons, strict=True):
        started = ToolCallStarted(run.run_id, row_id, call.call_id, call.name, call.arguments)
        if call.name in run.client.tool_names:
            await _set_status(run, row_id, ToolCallStatus.awaiting_client)
            yield started
            continue
        approved = True
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
        for event in _outcome_events(run, row_id, call, outcome, approved=approved):
            yield event


def _outcome_events(
    run: RunContext, row_id: int, call: ProviderToolCall, outcome: ToolOutcome, *, approved: bool
) -> list[RunEvent]:
    status = "denied" if not approved else "error" if outcome.is_error else "done"
    finished: list[RunEvent] = [
        ToolCallFinished(run.run_id, row_id, call.name, status, outcome.output_json)
    ]
    return finished + [
        EffectRecorded(
            run.run_id, effect.id or 0, effect.room_name, effect.old_celsius, effect.new_celsius
        )
        for effect in outcome.effects
    ]


async def _run_all_now(
    session: AsyncSession, run: RunContext, calls: list[ProviderToolCall]
) -> list[tuple[int, ProviderToolCall, ToolOutcome]] | None:
    """Record the calls, run each and record its outcome, save the message, commit: one
    transaction. None if a tool crashed: then nothing of it was kept, and the calls are
    taken one transaction each (where a crash is recorded as the call's error)."""
    recorder = run.recorder
    parts_before = list(recorder.parts)
    ids = await recorder.add_tool_calls(
        session, [(c.call_id, c.name, c.arguments) for c in calls], checkpoint=False
    )
    done = []
    for row_id, call in zip(ids, calls, strict=True):
        started_at = utcnow()
        try:
            outcome = await run.tools.call(
                call.name, call.arguments, ToolContext(session, _origin(run, row_id))
            )
        except Exception:
            logger.exception(
                "Tool %s failed in run %s; taking the calls one by one", call.name, run.run_id
            )
            await session.rollback()
            recorder.parts[:] = parts_before
            return None
        status = ToolCallStatus.error if outcome.is_error else ToolCallStatus.done
        await _record(session, run, row_id, call, outcome, status, started_at, checkpoint=False)
        done.append((row_id, call, outcome))
    await recorder.checkpoint(session)
    await session.commit()
    recorder.committed()
    return done


async def _finish_even_if_stopped(work: Coroutine[Any, Any, T]) -> T:
    """Await `work` in a task a cancellation does not reach: a Stop arriving meanwhile
    waits for it to end (a change and its ledger row are kept whole, or never made), then
    goes on."""
    task = asyncio.ensure_future(work)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        await asyncio.wait([task])
        raise


def _origin(run: RunContext, row_id: int) -> EffectOrigin:
    return EffectOrigin(
        source=EffectSource.assistant,
        user_id=run.recorder.user_id,
        thread_id=run.recorder.thread_id,
        run_id=run.run_id,
        tool_call_id=row_id,
    )


def _crashed(call: ProviderToolCall) -> ToolOutcome:
    return ToolOutcome(
        {"error": f"The tool {call.name} failed unexpectedly; nothing was changed."},
        is_error=True,
    )


async def _run_tool(run: RunContext, row_id: int, call: ProviderToolCall) -> ToolOutcome:
    """Run one call; its row, its effects and the message parts commit together."""
    started_at = utcnow()
    async with run.sessions() as session:
        try:
            outcome = await run.tools.call(
                call.name, call.arguments, ToolContext(session, _origin(run, row_id))
            )
        except Exception:
            logger.exception("Tool %s failed in run %s", call.name, run.run_id)
            await session.rollback()
            outcome = _crashed(call)
        status = ToolCallStatus.error if outcome.is_error else ToolCallStatus.done
        await _record(session, run, row_id, call, outcome, status, started_at)
        await session.commit()
    run.recorder.committed()
    logger.debug("Tool %s -> %s", call.name, status)
    return outcome


async def _deny(run: RunContext, row_id: int, call: ProviderToolCall) -> ToolOutcome:
    """A denied call: nothing runs, and the model is told so as the call's result.

    The words are for the model; `problem` says it as data, so what a person reads
    (a card, the offline assistant's reply) is worded for them instead."""
    outcome = ToolOutcome(
        {
            "error": f"The person denied this {call.name} call; nothing was changed. "
            "Do not try it again unless they ask.",
            "problem": "denied",
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
    *,
    checkpoint: bool = True,
) -> None:
    """Store a call's outcome on its row and in the message (saved now unless the caller
    saves it later), in the caller's transaction."""
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
    if checkpoint:
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
