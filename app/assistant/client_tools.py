"""Tools an API client runs itself ("frontend tools"): their calls wait for the client.

A run that calls one records the call as `awaiting_client` and ends (finish reason
`tool-calls`); the client runs the tool and sends the result with its next request. Accepting
the results stores them on the calls and in the message that made them, and queues a
continuation run: a new assistant message, no new user message. A new user message instead
gives up on calls still waiting (the model is told they were interrupted).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from app.assistant.errors import InvalidToolResults
from app.assistant.message_parts import ToolResultPart, append_parts
from app.assistant.providers.base import ToolSpec
from app.assistant.runs import add_reply, queue_run, refuse_if_answering
from app.assistant.threads import get_thread
from app.db.changes import Change, note_change, threads_topic
from app.db.models import Message, Run, ToolCall, utcnow
from app.db.statuses import ToolCallStatus

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ClientContext:
    """What an API client adds to a run: tools it runs itself, and its own system text
    (added after Hearth's instructions)."""

    tools: tuple[ToolSpec, ...] = ()
    system: str = ""

    @property
    def tool_names(self) -> frozenset[str]:
        """The names of the client's tools."""
        return frozenset(t.name for t in self.tools)


@dataclass(frozen=True)
class ClientToolResult:
    """What the client's run of one call returned (`output` is any JSON value)."""

    call_id: str
    output: Any
    is_error: bool = False

    @property
    def output_json(self) -> str:
        """The output as the JSON text a model reads."""
        return json.dumps(self.output, ensure_ascii=False)


def _waiting_calls(thread_id: int) -> SelectOfScalar[ToolCall]:
    return (
        select(ToolCall)
        .join(Run, col(Run.id) == col(ToolCall.run_id))
        .where(Run.thread_id == thread_id, ToolCall.status == ToolCallStatus.awaiting_client)
        .order_by(col(ToolCall.id))
    )


def _error_text(result: ClientToolResult) -> str:
    output = result.output
    if isinstance(output, dict) and isinstance(output.get("error"), str):
        return output["error"]
    return output if isinstance(output, str) else result.output_json


async def create_continuation(
    session: AsyncSession,
    thread_id: int,
    user_id: int,
    results: Sequence[ClientToolResult],
    *,
    max_steps: int,
    provider: str,
) -> tuple[Run, Message]:
    """Store the client's results and queue the run that carries on from them.

    Every call the thread is waiting for must be answered; results for calls already
    answered (the client resends its whole history) are ignored. InvalidToolResults says
    what is missing or unknown.
    """
    thread = await get_thread(session, thread_id, user_id)
    await refuse_if_answering(session, thread_id)
    waiting = list((await session.exec(_waiting_calls(thread_id))).all())
    if not waiting:
        raise InvalidToolResults(
            "No tool call in this thread is waiting for a result; end the messages with a "
            "new user message instead."
        )
    by_call_id = {r.call_id: r for r in results}
    missing = [f"{c.name} ({c.call_id})" for c in waiting if c.call_id not in by_call_id]
    if missing:
        raise InvalidToolResults(
            f"The thread is waiting for the results of {', '.join(missing)}; send every "
            "waiting call's result together."
        )
    now = utcnow()
    messages: dict[int, Message] = {}
    for call in waiting:
        result = by_call_id[call.call_id]
        status = ToolCallStatus.error if result.is_error else ToolCallStatus.done
        call.status = status
        call.result = result.output if isinstance(result.output, dict) else {"value": result.output}
        call.error = _error_text(result) if result.is_error else None
        call.finished_at = now
        message = messages.get(call.message_id) or await session.get(Message, call.message_id)
        assert message is not None
        messages[call.message_id] = message
        part = ToolResultPart(
            call.id or 0, call.call_id, call.name, result.output_json, result.is_error, status
        )
        append_parts(message, [part])
        message.updated_at = now
    run = await queue_run(session, thread_id, max_steps=max_steps, provider=provider)
    assistant_message = await add_reply(session, run)
    thread.updated_at = now
    note_change(session, Change(threads_topic(user_id)))
    await session.commit()
    logger.info(
        "Run %s queued on thread %s with %d client results", run.id, thread_id, len(waiting)
    )
    return run, assistant_message
