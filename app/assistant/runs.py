"""Runs in the database: creating one, stop requests, what a viewer joining late needs, and
the sweep that expires runs whose worker died (`recorder.py` persists a run as it goes)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import Select

from app.assistant.errors import InvalidMessage, RunAlreadyActive, ThreadNotFound
from app.assistant.files.message import attach_files
from app.assistant.files.store import DEFAULT_LIMITS, AttachmentLimits
from app.assistant.message_parts import TextPart, dump_parts
from app.assistant.threads import DEFAULT_TITLE, add_thread, get_thread, title_from_text
from app.db.changes import STOPS_TOPIC, Change, note_change, thread_topic, threads_topic
from app.db.models import Message, Run, Thread, ToolCall, utcnow
from app.db.statuses import TERMINAL_RUN_STATUSES, MessageStatus, Role, RunStatus, ToolCallStatus
from app.db.text import text_problem

logger = logging.getLogger(__name__)

_ACTIVE = [s.value for s in RunStatus if s not in TERMINAL_RUN_STATUSES]
UNFINISHED_CALLS = [
    ToolCallStatus.pending,
    ToolCallStatus.awaiting_approval,
    ToolCallStatus.running,
]


def validate_message_text(text: str, max_chars: int, *, with_files: bool = False) -> str:
    """The text to send, or InvalidMessage saying why it cannot be sent (a message that
    carries files may have no text)."""
    stripped = text.strip()
    if not stripped and with_files:
        return stripped
    if not stripped:
        raise InvalidMessage("A message cannot be empty; type something to send.")
    if len(stripped) > max_chars:
        raise InvalidMessage(
            f"A message can be at most {max_chars:,} characters; this one has "
            f"{len(stripped):,}. Nothing was sent."
        )
    if problem := text_problem(stripped):
        raise InvalidMessage(f"This message {problem} Nothing was sent.")
    return stripped


async def active_run(session: AsyncSession, thread_id: int) -> Run | None:
    """The thread's run that has not ended yet, if any."""
    query = select(Run).where(Run.thread_id == thread_id, col(Run.status).in_(_ACTIVE))
    return (await session.exec(query)).first()


async def refuse_if_answering(session: AsyncSession, thread_id: int) -> None:
    """RunAlreadyActive while the thread has a run that has not ended."""
    running = await active_run(session, thread_id)
    if running is not None:
        raise RunAlreadyActive(thread_id, running.id or 0)


async def queue_run(session: AsyncSession, thread_id: int, *, max_steps: int, provider: str) -> Run:
    """A queued run in the thread (flushed, in the caller's transaction).

    The database refuses a second live run in a thread (`uq_run_live_per_thread`), so of
    requests racing past `refuse_if_answering` exactly one gets here: the others' whole
    transaction (their user message with it) is rolled back and they get RunAlreadyActive.
    """
    run = Run(thread_id=thread_id, status=RunStatus.queued, max_steps=max_steps, provider=provider)
    session.add(run)
    try:
        await session.flush()
    except IntegrityError:
        await session.rollback()
        running = await active_run(session, thread_id)
        logger.info("Thread %s: a second live run was refused by the database", thread_id)
        raise RunAlreadyActive(thread_id, (running.id or 0) if running else 0) from None
    # Every tab showing the thread follows the run once it commits, wherever it is driven.
    note_change(session, Change(thread_topic(thread_id), run_id=run.id or 0))
    return run


async def add_question(
    session: AsyncSession, run: Run, text: str, parent_id: int | None
) -> Message:
    """The person's message the run answers, after `parent_id` on its branch (flushed, in
    the caller's transaction)."""
    message = Message(
        thread_id=run.thread_id,
        run_id=run.id,
        role=Role.user,
        parts=dump_parts([TextPart(text)]),
        status=MessageStatus.complete,
        parent_id=parent_id,
    )
    session.add(message)
    await session.flush()
    return message


async def add_reply(session: AsyncSession, run: Run, parent_id: int | None = None) -> Message:
    """The run's (empty) assistant message (flushed, in the caller's transaction), after
    `parent_id` (default: the end of the branch on screen), and the branch's end now."""
    thread = await session.get(Thread, run.thread_id)
    if thread is None:
        raise ThreadNotFound(run.thread_id)
    message = Message(
        thread_id=run.thread_id,
        run_id=run.id,
        role=Role.assistant,
        status=MessageStatus.incomplete,
        parent_id=parent_id if parent_id is not None else thread.head_message_id,
    )
    session.add(message)
    await session.flush()
    thread.head_message_id = message.id
    return message


async def create_run(
    session: AsyncSession,
    thread_id: int | None,
    user_id: int,
    text: str,
    *,
    max_steps: int,
    provider: str,
    client_id: str | None = None,
    attachment_ids: Sequence[int] = (),
    attachment_limits: AttachmentLimits | None = None,
) -> tuple[Run, Message, Message]:
    """Persist the user's message (with the pending attachments it carries), a queued run and
    its (empty) assistant message, all or nothing. With no `thread_id` the thread is new
    (named `client_id` by an API client)."""
    if thread_id is None:
        thread = await add_thread(session, user_id, client_id)
        thread_id = thread.id or 0
    else:
        thread = await get_thread(session, thread_id, user_id)
        await refuse_if_answering(session, thread_id)
    # Calls of the client's own tools still waiting will never be answered now.
    await session.exec(
        update(ToolCall)
        .where(
            ToolCall.status == ToolCallStatus.awaiting_client,
            col(ToolCall.run_id).in_(select(Run.id).where(Run.thread_id == thread_id)),
        )
        .values(status=ToolCallStatus.cancelled, finished_at=utcnow())
    )
    is_first = False
    if thread.title == DEFAULT_TITLE:
        first = (
            await session.exec(select(Message.id).where(Message.thread_id == thread_id))
        ).first()
        is_first = first is None
        if is_first:
            thread.title = title_from_text(text)
    thread.updated_at = utcnow()  # written with the title, in one statement
    run = await queue_run(session, thread_id, max_steps=max_steps, provider=provider)
    user_message = await add_question(session, run, text, thread.head_message_id)
    assistant_message = await add_reply(session, run, user_message.id)
    if attachment_ids:
        files = await attach_files(
            session, user_message, user_id, attachment_ids, attachment_limits or DEFAULT_LIMITS
        )
        if is_first and not text:
            thread.title = title_from_text(files[0].name)
    # The thread moves to the top of its owner's list (titled, if it was new).
    note_change(session, Change(threads_topic(user_id)))
    await session.commit()
    logger.info("Run %s queued on thread %s", run.id, thread_id)
    return run, user_message, assistant_message


def owned_runs(user_id: int) -> Select:
    """The ids of every run in this person's threads (for ownership checks in one query)."""
    return (
        select(Run.id)
        .join(Thread, col(Thread.id) == col(Run.thread_id))
        .where(Thread.user_id == user_id, col(Thread.deleted_at).is_(None))
    )


async def request_stop(session: AsyncSession, run_id: int, user_id: int) -> bool:
    """Mark one of this person's runs `cancelling` so whichever worker drives it ends it;
    False if it had ended (or is not theirs)."""
    result = await session.exec(
        update(Run)
        .where(
            col(Run.id) == run_id,
            col(Run.status).in_(_ACTIVE),
            col(Run.id).in_(owned_runs(user_id)),
        )
        .values(status=RunStatus.cancelling)
    )
    if result.rowcount == 1:
        note_change(session, Change(STOPS_TOPIC, run_id=run_id))
    await session.commit()
    return result.rowcount == 1


async def run_status(session: AsyncSession, run_id: int) -> str:
    """A run's status as stored now."""
    status = (await session.exec(select(Run.status).where(Run.id == run_id))).one()
    return str(status)


async def runs_cancelling(session: AsyncSession, run_ids: Sequence[int]) -> list[int]:
    """Which of these runs someone asked to stop."""
    query = select(Run.id).where(col(Run.id).in_(run_ids), col(Run.status) == RunStatus.cancelling)
    return [run_id for run_id in (await session.exec(query)).all() if run_id is not None]


@dataclass(frozen=True)
class RunMessages:
    """A run's status and the two messages it belongs to (for a viewer joining late)."""

    status: str
    user_message_id: int
    assistant_message_id: int

    @property
    def ended(self) -> bool:
        """Whether the run reached a final status."""
        return self.status in TERMINAL_RUN_STATUSES


async def run_messages(session: AsyncSession, run_id: int) -> RunMessages | None:
    """The run's status, its user message and its assistant message; None if unknown."""
    run = await session.get(Run, run_id, populate_existing=True)
    if run is None:
        return None
    query = select(Message.id, Message.role).where(Message.run_id == run_id).order_by(Message.id)
    ids = {role: message_id for message_id, role in (await session.exec(query)).all()}
    return RunMessages(str(run.status), ids.get(Role.user) or 0, ids.get(Role.assistant) or 0)


async def expire_stale_runs(session: AsyncSession, stale_after: timedelta) -> list[int]:
    """End runs whose worker stopped beating: `expired`, their messages `incomplete`."""
    cutoff = utcnow() - stale_after
    query = select(Run).where(col(Run.status).in_(_ACTIVE))
    expired: list[int] = []
    for run in (await session.exec(query)).all():
        last_sign = run.heartbeat_at or run.created_at
        if last_sign < cutoff:
            run.status, run.ended_at = RunStatus.expired, utcnow()
            run.error = "The worker running this reply stopped; the text so far was kept."
            expired.append(run.id or 0)
    if expired:
        await session.exec(
            update(Message)
            .where(col(Message.run_id).in_(expired), Message.role == Role.assistant)
            .values(status=MessageStatus.incomplete)
        )
        await session.exec(
            update(ToolCall)
            .where(
                col(ToolCall.run_id).in_(expired),
                col(ToolCall.status).in_(UNFINISHED_CALLS),
            )
            .values(status=ToolCallStatus.cancelled)
        )
        logger.info("Expired stale runs %s", expired)
    await session.commit()
    return expired
