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
from app.assistant.saves import Save, SaveRounds
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
        rounds: SaveRounds | None = None,
    ) -> None:
        self.sessions = sessions
        # Where saves while streaming go: with those of the process's other runs.
        self._rounds = rounds or SaveRounds(sessions)
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
        # When the oldest text not saved yet arrived (the run's clock).
        self.unsaved_since: float | None = None
        # When its heart last beat while streaming (the run's clock; set as it starts).
        self.last_beat: float | None = None
        # A save asked for (`request_save`) and not yet taken by a round.
        self.save_requested = False
        # What the round writing this run's save took: the text's age and the last beat,
        # restored if the round fails.
        self._taken: tuple[float | None, float | None] = (None, None)

    def append_text(self, text: str, at: float) -> None:
        """Add streamed text, arrived `at`, to the open text part (opening one after a tool
        call); a round writes it (`request_save`, or taken along)."""
        last = self.parts[-1] if self.parts else None
        if isinstance(last, TextPart):
            self.parts[-1] = TextPart(last.text + text)
        else:
            self.parts.append(TextPart(text))
        if self.unsaved_since is None:
            self.unsaved_since = at

    def streaming(self, now: float) -> None:
        """A turn streams from now: its heart beats from now, and rounds take along its text
        and heartbeat when nearly due."""
        self.last_beat = now
        self._rounds.streaming(self)

    def streamed(self) -> None:
        """The turn has ended."""
        self._rounds.forget(self)
        self.save_requested = False

    def request_save(self) -> None:
        """The text (or the heartbeat) is due: the next round writes it. Returns at once:
        the stream never waits for the database."""
        if not self.save_requested:
            self.save_requested = True
            self._rounds.due(self)

    def take_unsaved(self, now: float, text_age_s: float, beat_age_s: float) -> Save | None:
        """For a round: the text unsaved for `text_age_s`, and a heartbeat (with the run
        columns deferred) if the last is `beat_age_s` old or columns are deferred; None if
        neither."""
        self.save_requested = False
        since = self.unsaved_since
        text = since is not None and now - since >= text_age_s
        beat = self.last_beat is not None and now - self.last_beat >= beat_age_s
        parts = dump_parts(self.stored_parts) if text else None
        if parts is not None and parts == self._committed_parts:
            parts = None
        if parts is None and not beat:
            return None
        self._taken = (since if parts is not None else None, self.last_beat)
        if parts is not None:
            self.unsaved_since = None
        # A heartbeat, with the deferred columns (never a terminal status: those are written
        # directly); deferred columns make one too.
        values = dict(self._deferred) if beat or self._deferred else None
        if values is not None:
            self.last_beat = now
        return Save(self.message_id, self.run_id, parts, values)

    def taken(self, save: Save, saved: bool) -> None:
        """The round that wrote this run's save has ended."""
        (since, beaten), self._taken = self._taken, (None, None)
        if saved:
            if save.parts is not None:
                self._committed_parts = save.parts
            for name, value in (save.run_values or {}).items():
                if self._deferred.get(name) == value:
                    del self._deferred[name]
            return
        # Not written: due as soon as it would have been.
        if since is not None:
            self.unsaved_since = min(since, self.unsaved_since or since)
        self.last_beat = beaten

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
        self.unsaved_since = None

    async def checkpoint(
        self,
        session: AsyncSession | None = None,
        *,
        message_values: dict[str, Any] | None = None,
        **run_values: Any,
    ) -> None:
        """Save the message so far (with any `message_values`) and beat the heart (plus any
        run columns given, and those deferred)."""
        # After any round holding this run's text: none may land after this, with older text.
        await self._rounds.settle(self.run_id)
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
        """A checkpoint while waiting (not streaming); a database too busy to take it now (a
        lock not granted in time) does not end the run: False, and the next beat carries
        the text."""
        try:
            await self.checkpoint(**run_values)
        except OperationalError as exc:
            logger.warning("Run %s: checkpoint skipped, the database is busy: %s", self.run_id, exc)
            return False
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
        self._rounds.forget(self)
        logger.info("Run %s ended %s%s", self.run_id, status, f": {error}" if error else "")
