"""The run engine: the AssistantResponse loop, owned by Hearth, as a stream of run events.

A run alternates two steps until the model answers without calling a tool: a model turn
(`turn.py`) and its tool calls (`tool_steps.py`); `runs.py` records it. A run is stopped one
way: its task is cancelled (`runner.py` does it for a Stop from any tab or worker), and the
text so far is kept.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable, Sequence

from app.assistant.branches import create_branch_run
from app.assistant.claim_check import mark_unbacked_claims
from app.assistant.client_tools import ClientContext, ClientToolResult, create_continuation
from app.assistant.config import EngineConfig
from app.assistant.events import RunEvent, RunFinished, RunStarted, RunStatusChanged
from app.assistant.providers.base import Provider, ProviderError, ProviderToolCall
from app.assistant.recorder import RunRecorder
from app.assistant.run_context import Instructions, RunContext
from app.assistant.runs import create_run, validate_message_text
from app.assistant.saves import SaveRounds
from app.assistant.tool_steps import ApprovalExpired, run_tool_calls
from app.assistant.tools import ToolRegistry
from app.assistant.turn import stream_turn
from app.db.models import Message, Room, Run, utcnow
from app.db.session import SessionFactory
from app.db.statuses import RunStatus

logger = logging.getLogger(__name__)


def _no_instructions(_rooms: Sequence[Room]) -> str:
    return ""


def _started(run: Run, user_id: int, reply: Message, asked: Message | None = None) -> RunStarted:
    return RunStarted(
        run_id=run.id or 0,
        thread_id=run.thread_id,
        user_id=user_id,
        user_message_id=(asked.id or 0) if asked is not None else 0,  # 0: carried on, not asked
        assistant_message_id=reply.id or 0,
    )


class RunEngine:
    """Drives runs: persist, stream a turn, run tools, feed results back, end exactly once."""

    def __init__(
        self,
        sessions: SessionFactory,
        provider: Provider,
        tools: ToolRegistry,
        *,
        instructions: Instructions = _no_instructions,
        config: EngineConfig | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.sessions = sessions
        self.provider = provider
        self.tools = tools
        self.instructions = instructions
        self.config = config or EngineConfig.from_settings()
        self.clock = clock
        # The saves of every run streaming here, written together (see saves.py).
        self.saves = SaveRounds(
            sessions,
            clock,
            # Text nearly due (taking fresher text would write each reply more often), and
            # heartbeats half due (a row's timestamp: cheap to take along).
            take_text_after_s=self.config.save_text_within_s * 0.75,
            take_beat_after_s=self.config.checkpoint_interval_s / 2,
        )

    async def start(
        self,
        thread_id: int | None,
        text: str,
        *,
        user_id: int,
        client_id: str | None = None,
        attachment_ids: Sequence[int] = (),
        replacing: int | None = None,
    ) -> RunStarted:
        """Persist the user's message (and the files it carries) and a queued run in one of
        this person's threads (or, with no `thread_id`, a new one, made only if the run is);
        ThreadNotFound, InvalidMessage, InvalidAttachment, AttachmentNotFound,
        RunAlreadyActive and ThreadRefTaken refuse. With `replacing`, a new branch instead:
        that message of theirs edited to `text` (keeping its files), or with no text the
        reply to it regenerated (`branches.py`)."""
        if replacing is not None and thread_id is not None:
            return await self._branch(thread_id, text, user_id, replacing)
        text = validate_message_text(
            text, self.config.max_message_chars, with_files=bool(attachment_ids)
        )
        async with self.sessions() as session:
            run, user_message, assistant_message = await create_run(
                session,
                thread_id,
                user_id,
                text,
                max_steps=self.config.max_steps,
                provider=self.provider.name,
                client_id=client_id,
                attachment_ids=attachment_ids,
                attachment_limits=self.config.attachment_limits,
            )
        return _started(run, user_id, assistant_message, user_message)

    async def _branch(self, thread_id: int, text: str, user_id: int, replacing: int) -> RunStarted:
        if text:
            text = validate_message_text(text, self.config.max_message_chars)
        async with self.sessions() as session:
            run, edited, reply = await create_branch_run(
                session,
                thread_id,
                user_id,
                replacing,
                text,
                max_steps=self.config.max_steps,
                provider=self.provider.name,
            )
        return _started(run, user_id, reply, edited)

    async def resume(
        self, thread_id: int, results: Sequence[ClientToolResult], *, user_id: int
    ) -> RunStarted:
        """Store an API client's results for the calls its tools were asked to run, and queue
        the run that carries on from them (no new user message); InvalidToolResults says
        what does not match."""
        async with self.sessions() as session:
            run, assistant_message = await create_continuation(
                session,
                thread_id,
                user_id,
                results,
                max_steps=self.config.max_steps,
                provider=self.provider.name,
            )
        return _started(run, user_id, assistant_message)

    def _context(self, started: RunStarted, client: ClientContext) -> RunContext:
        recorder = RunRecorder(
            self.sessions,
            started.run_id,
            started.thread_id,
            started.assistant_message_id,
            user_id=started.user_id,
            rounds=self.saves,
        )
        return RunContext(
            self.sessions,
            self.provider,
            self.tools,
            self.instructions,
            self.config,
            self.clock,
            recorder,
            client,
        )

    async def execute(
        self, started: RunStarted, client: ClientContext | None = None
    ) -> AsyncIterator[RunEvent]:
        """Drive a started run to exactly one terminal status, yielding what happens.

        With a `client` (an API request), its tools are offered too; a turn that calls one
        ends the run, the call left waiting for the client's result. Cancelling the task
        that iterates this (a Stop) ends the run `cancelled` with its text kept; no
        RunFinished is yielded then.
        """
        run = self._context(started, client or ClientContext())
        recorder = run.recorder
        outcome: tuple[RunStatus, str | None] | None = None
        try:
            # Written with the run's first checkpoint: the first turn is not kept waiting.
            recorder.defer(status=RunStatus.in_progress, started_at=utcnow())
            yield RunStatusChanged(run.run_id, RunStatus.in_progress)
            for step in range(1, self.config.max_steps + 1):
                calls: list[ProviderToolCall] = []
                async for event in stream_turn(run, step, calls):
                    yield event
                if not calls:
                    await mark_unbacked_claims(run)
                    outcome = (RunStatus.completed, None)
                    break
                async for event in run_tool_calls(run, calls):
                    yield event
                if any(c.name in run.client.tool_names for c in calls):
                    # The client runs those; its next request carries on (`resume`).
                    outcome = (RunStatus.completed, None)
                    break
                recorder.defer(status=RunStatus.in_progress)
                yield RunStatusChanged(run.run_id, RunStatus.in_progress)
            if outcome is None:
                outcome = (
                    RunStatus.failed,
                    f"Stopped after {self.config.max_steps} model turns without a final "
                    f"answer (max_steps={self.config.max_steps}).",
                )
        except ApprovalExpired as exc:
            outcome = (RunStatus.expired, str(exc))
        except ProviderError as exc:
            outcome = (RunStatus.failed, str(exc))
        except asyncio.CancelledError:
            # A Stop: keep the text, then let the cancellation go on.
            await recorder.finish(RunStatus.cancelled)
            raise
        except GeneratorExit:
            # The consumer closed the stream early: treat it as a stop.
            await recorder.finish(RunStatus.cancelled)
            raise
        except Exception:
            logger.exception("Run %s crashed", run.run_id)
            outcome = (RunStatus.failed, "Hearth hit an internal error; the text so far was kept.")
        status, error = outcome
        # Shielded: a Stop arriving now must not leave the run half-ended.
        await asyncio.shield(recorder.finish(status, error))
        yield RunFinished(run.run_id, status, error)
