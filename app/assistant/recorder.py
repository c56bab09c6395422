"""The recorder that persists one run as it goes: status, heartbeat, the reply's parts."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from sqlalchemy import case, update
from sqlalchemy.exc import OperationalError
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from app.assistant.message_parts import (
    MessagePart,
    SuggestionsPart,
    TextPart,
    ToolCallPart,
    dump_parts,
)
from app.assistant.runs import UNFINISHED_CALLS
from app.db.models import Message, Run, ToolCall, utcnow
from app.db.session import SessionFactory
from app.db.statuses import TERMINAL_RUN_STATUSES, MessageStatus, RunStatus, ToolCallStatus

logger = logging.getLogger(__name__)


class RunRecorder:
    """Persists one run as it goes: status, heartbeat, the assistant message's parts."""

    def __init__(
        self,
        sessions: SessionFactory,
        run_id: int,
        thread_id: int,
        message_id: int,
        *,
        user_id: int | None = None,
    ) -> None:
        self.sessions = sessions
        self.run_id = run_id
        self.thread_id = thread_id
        self.user_id = user_id
        self.message_id = message_id
        self.parts: list[MessagePart] = []
        # Kept apart from `parts` (stored after them), so text and tool results that follow
        # an offer still read in order.
        self.suggestions: tuple[str, ...] = ()
        # Run columns to write with the next checkpoint (a status nobody reads before then).
        self._deferred: dict[str, Any] = {}
        # The parts as last committed, and as written by a checkpoint not yet known committed:
        # a checkpoint of parts already committed writes only the run row.
        self._committed_parts: list[dict[str, Any]] | None = None
        self._written_parts: list[dict[str, Any]] | None = None

    def append_text(self, text: str) -> None:
        """Add streamed text to the open text part (opening one after a tool call)."""
        last = self.parts[-1] if self.parts else None
        if isinstance(last, TextPart):
            self.parts[-1] = TextPart(last.text + text)
        else:
            self.parts.append(TextPart(text))

    def suggest(self, texts: tuple[str, ...]) -> None:
        """Offer these messages to send next, in place of any earlier offer."""
        self.suggestions = texts

    @property
    def stored_parts(self) -> list[MessagePart]:
        """The message's parts as stored: the reply, then what it suggests."""
        if not self.suggestions:
            return self.parts
        return [*self.parts, SuggestionsPart(self.suggestions)]

    @property
    def has_text(self) -> bool:
        """Whether any text has streamed."""
        return any(isinstance(p, TextPart) and p.text for p in self.parts)

    def defer(self, **run_values: Any) -> None:
        """Write these run columns with the next checkpoint (which is never far off: every
        step of a run ends in one), not in a statement of their own now."""
        self._deferred |= run_values

    def committed(self) -> None:
        """The caller committed the transaction of this recorder's last checkpoint."""
        self._committed_parts = self._written_parts
        self._deferred = {}

    async def checkpoint(
        self,
        session: AsyncSession | None = None,
        *,
        message_values: dict[str, Any] | None = None,
        **run_values: Any,
    ) -> None:
        """Save the message so far (with any `message_values`) and beat the heart (plus any
        run columns given, and those deferred)."""
        if session is None:
            async with self.sessions() as own:
                await self.checkpoint(own, message_values=message_values, **run_values)
                await own.commit()
            self.committed()
            return
        now = utcnow()
        run_values = self._deferred | run_values
        parts = dump_parts(self.stored_parts)
        self._written_parts = None
        if message_values or parts != self._committed_parts:
            await session.exec(
                update(Message)
                .where(col(Message.id) == self.message_id)
                .values(parts=parts, updated_at=now, **(message_values or {}))
            )
            self._written_parts = parts
        else:
            self._written_parts = self._committed_parts
        status = run_values.get("status")
        if status is not None and status not in TERMINAL_RUN_STATUSES:
            # A Stop recorded meanwhile (by any tab or worker) must survive a status change.
            run_values["status"] = case(
                (col(Run.status) == RunStatus.cancelling, col(Run.status)), else_=status
            )
        await session.exec(
            update(Run).where(col(Run.id) == self.run_id).values(heartbeat_at=now, **run_values)
        )

    async def beat(self, **run_values: Any) -> bool:
        """A checkpoint while streaming or waiting; a database too busy to take it now (a lock
        not granted in time) does not end the run: False, and the next beat carries the text."""
        try:
            await self.checkpoint(**run_values)
        except OperationalError as exc:
            logger.warning("Run %s: checkpoint skipped, the database is busy: %s", self.run_id, exc)
            return False
        return True

    async def save_text(self) -> bool:
        """Save the reply's parts alone (no heartbeat: that has a rhythm of its own), or with
        the run columns deferred if there are any; False if the database was too busy."""
        if self._deferred:
            return await self.beat()
        parts = dump_parts(self.stored_parts)
        if parts == self._committed_parts:
            return True
        try:
            async with self.sessions() as session:
                # A session of its own holds no rows to keep in step: no ORM synchronising.
                await session.exec(
                    update(Message)
                    .where(col(Message.id) == self.message_id)
                    .values(parts=parts, updated_at=utcnow())
                    .execution_options(synchronize_session=False)
                )
                await session.commit()
        except OperationalError as exc:
            logger.warning("Run %s: text not saved, the database is busy: %s", self.run_id, exc)
            return False
        self._committed_parts = parts
        return True

    async def set_status(self, status: RunStatus, **run_values: Any) -> None:
        """Move to a non-terminal status, saving the text with it."""
        await self.checkpoint(status=status, **run_values)
        logger.info("Run %s %s", self.run_id, status)

    async def add_tool_calls(
        self,
        session: AsyncSession,
        calls: Sequence[tuple[str, str, str]],
        *,
        checkpoint: bool = True,
    ) -> list[int]:
        """Record (call_id, name, arguments) calls as pending, in the caller's transaction
        (who commits, then calls `committed`), and save the run as waiting on them unless
        the caller saves it later; returns their row ids."""
        rows = [
            ToolCall(
                run_id=self.run_id,
                message_id=self.message_id,
                call_id=call_id,
                name=name,
                arguments=arguments,
            )
            for call_id, name, arguments in calls
        ]
        session.add_all(rows)
        await session.flush()
        self.parts += [
            ToolCallPart(row.id or 0, row.call_id, row.name, row.arguments) for row in rows
        ]
        if checkpoint:
            await self.checkpoint(session, status=RunStatus.requires_action)
        return [row.id or 0 for row in rows]

    async def finish(self, status: RunStatus, error: str | None = None) -> None:
        """End the run with its one terminal status; the message keeps every part."""
        if status == RunStatus.completed:
            message_status = MessageStatus.complete
        elif status == RunStatus.failed and not self.has_text:
            message_status = MessageStatus.failed
        else:
            message_status = MessageStatus.incomplete
        async with self.sessions() as session:
            await self.checkpoint(
                session,
                message_values={"status": message_status},
                status=status,
                error=error,
                ended_at=utcnow(),
            )
            await session.exec(
                update(ToolCall)
                .where(
                    ToolCall.run_id == self.run_id,
                    col(ToolCall.status).in_(UNFINISHED_CALLS),
                )
                .values(status=ToolCallStatus.cancelled, finished_at=utcnow())
            )
            await session.commit()
        self.committed()
        logger.info("Run %s ended %s%s", self.run_id, status, f": {error}" if error else "")
