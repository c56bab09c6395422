"""The run engine: the AssistantResponse loop, owned by Hearth, as a stream of run events."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import aclosing
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from app.assistant.approvals import call_status, tool_modes
from app.assistant.client_tools import ClientContext, ClientToolResult, create_continuation
from app.assistant.conversation import ConversationItem, fit_to_budget, items_from_messages
from app.assistant.events import (
    ApprovalDecided,
    ApprovalRequested,
    EffectRecorded,
    RunEvent,
    RunFinished,
    RunRetrying,
    RunStarted,
    RunStatusChanged,
    StepFinished,
    TextDelta,
    ToolCallFinished,
    ToolCallStarted,
    ToolInputDelta,
)
from app.assistant.message_parts import EffectPart, ToolResultPart, dump_parts
from app.assistant.providers.base import (
    Provider,
    ProviderError,
    ProviderFinish,
    ProviderRetry,
    ProviderText,
    ProviderToolCall,
    ProviderToolInput,
    TurnRequest,
)
from app.assistant.runs import RunRecorder, create_run, run_status, validate_message_text
from app.assistant.stops import StopRequests
from app.assistant.streams import ticking
from app.assistant.threads import list_messages
from app.assistant.tools import ToolContext, ToolOutcome, ToolRegistry
from app.db.models import (
    EffectSource,
    Message,
    Run,
    RunStatus,
    ToolCall,
    ToolCallStatus,
    ToolMode,
    utcnow,
)
from app.db.session import SessionFactory
from app.home.rooms import EffectOrigin

logger = logging.getLogger(__name__)

Instructions = Callable[[AsyncSession], Awaitable[str]]


@dataclass(frozen=True)
class EngineConfig:
    """Limits and rhythms of a run."""

    max_steps: int = 8
    # The heartbeat: how often a live run says its worker is alive (with its text so far).
    checkpoint_interval_s: float = 1.0
    # Streamed text is saved at most this long after it arrives, so a worker killed mid-reply
    # loses no more than what was on screen for that long.
    save_text_within_s: float = 0.15
    stop_poll_interval_s: float = 0.2
    max_message_chars: int = 8000
    max_context_chars: int = 60_000
    approval_timeout_s: float = 300.0


class _StopRequested(Exception):
    """Someone asked (through the database) for this run to stop."""


class _ApprovalExpired(Exception):
    """Nobody answered an "ask first" request in time."""


def _wait_text(seconds: float) -> str:
    if seconds >= 120:
        return f"{seconds / 60:g} minutes"
    return f"{seconds:g} seconds"


async def _no_instructions(_session: AsyncSession) -> str:
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
        self.config = config or EngineConfig()
        self.clock = clock
        self.stops = StopRequests(sessions, self.config.stop_poll_interval_s)

    async def start(
        self, thread_id: int | None, text: str, *, user_id: int, client_id: str | None = None
    ) -> RunStarted:
        """Persist the user's message and a queued run in one of this person's threads (or,
        with no `thread_id`, a new one, made only if the run is); ThreadNotFound,
        InvalidMessage, RunAlreadyActive and ThreadRefTaken refuse."""
        text = validate_message_text(text, self.config.max_message_chars)
        async with self.sessions() as session:
            run, user_message, assistant_message = await create_run(
                session,
                thread_id,
                user_id,
                text,
                max_steps=self.config.max_steps,
                provider=self.provider.name,
                client_id=client_id,
            )
        return _started(run, user_id, assistant_message, user_message)

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

    async def run(self, thread_id: int, text: str, *, user_id: int) -> AsyncIterator[RunEvent]:
        """Start a run and follow it to its end."""
        started = await self.start(thread_id, text, user_id=user_id)
        yield started
        async with aclosing(self.execute(started)) as events:
            async for event in events:
                yield event

    async def execute(
        self, started: RunStarted, client: ClientContext | None = None
    ) -> AsyncIterator[RunEvent]:
        """Drive a started run to exactly one terminal status, yielding what happens.

        With a `client` (an API request), its tools are offered too; a turn that calls one
        ends the run, the call left waiting for the client's result.
        """
        client = client or ClientContext()
        recorder = RunRecorder(
            self.sessions,
            started.run_id,
            started.thread_id,
            started.assistant_message_id,
            user_id=started.user_id,
        )
        finished = False
        outcome: tuple[RunStatus, str | None] | None = None
        self.stops.watch(started.run_id)
        try:
            await recorder.set_status(RunStatus.in_progress, started_at=utcnow())
            yield RunStatusChanged(started.run_id, RunStatus.in_progress)
            for step in range(1, self.config.max_steps + 1):
                calls: list[ProviderToolCall] = []
                async for event in self._stream_turn(recorder, step, calls, client):
                    yield event
                if not calls:
                    outcome = (RunStatus.completed, None)
                    break
                async for event in self._run_tools(recorder, calls, client.tool_names):
                    yield event
                if any(c.name in client.tool_names for c in calls):
                    # The client runs those; its next request carries on (`resume`).
                    outcome = (RunStatus.completed, None)
                    break
                await recorder.set_status(RunStatus.in_progress)
                yield RunStatusChanged(started.run_id, RunStatus.in_progress)
            if outcome is None:
                outcome = (
                    RunStatus.failed,
                    f"Stopped after {self.config.max_steps} model turns without a final "
                    f"answer (max_steps={self.config.max_steps}).",
                )
        except _StopRequested:
            outcome = (RunStatus.cancelled, None)
        except _ApprovalExpired as exc:
            outcome = (RunStatus.expired, str(exc))
        except ProviderError as exc:
            outcome = (RunStatus.failed, str(exc))
        except asyncio.CancelledError:
            # The task itself was cancelled (Stop in this process): keep the text, then re-raise.
            await recorder.finish(RunStatus.cancelled)
            finished = True
            raise
        except Exception:
            logger.exception("Run %s crashed", started.run_id)
            outcome = (RunStatus.failed, "Hearth hit an internal error; the text so far was kept.")
        finally:
            self.stops.forget(started.run_id)
            if not finished and outcome is None:
                # The consumer closed the stream early: treat it as a stop.
                await recorder.finish(RunStatus.cancelled)
                finished = True
        if not finished:
            status, error = outcome
            await recorder.finish(status, error)
            yield RunFinished(started.run_id, status, error)

    async def _stream_turn(
        self,
        recorder: RunRecorder,
        step: int,
        calls: list[ProviderToolCall],
        client: ClientContext,
    ) -> AsyncIterator[RunEvent]:
        instructions = await self._instructions()
        if client.system:
            instructions = f"{instructions}\n\n{client.system}" if instructions else client.system
        request = TurnRequest(
            instructions=instructions,
            items=tuple(await self._conversation(recorder)),
            tools=self.tools.specs + client.tools,
        )
        last_checkpoint = self.clock()
        unsaved_since: float | None = None  # when the oldest text not yet saved arrived
        finish: ProviderFinish | None = None

        def next_tick_s() -> float:
            if unsaved_since is None:
                return self.config.stop_poll_interval_s
            due = unsaved_since + self.config.save_text_within_s - self.clock()
            return max(0.0, min(due, self.config.stop_poll_interval_s))

        # Ticks come while the provider is silent, so a Stop, the heartbeat and the saving
        # of text already shown do not wait for its next chunk.
        stream = ticking(self.provider.stream_turn(request), next_tick_s)
        async with aclosing(stream):
            async for event in stream:
                now = self.clock()
                # Look before using the chunk: nothing that arrives after a Stop is shown.
                if self.stops.requested(recorder.run_id):
                    raise _StopRequested
                if isinstance(event, ProviderText) and event.text:
                    recorder.append_text(event.text)
                    if unsaved_since is None:
                        unsaved_since = now
                    yield TextDelta(recorder.run_id, recorder.message_id, event.text)
                elif isinstance(event, ProviderToolInput):
                    yield ToolInputDelta(recorder.run_id, event.call_id, event.name, event.delta)
                elif isinstance(event, ProviderToolCall):
                    calls.append(event)
                elif isinstance(event, ProviderFinish):
                    finish = event
                elif isinstance(event, ProviderRetry):
                    yield RunRetrying(
                        recorder.run_id,
                        event.attempt,
                        event.max_attempts,
                        event.delay_s,
                        event.reason,
                    )
                text_due = (
                    unsaved_since is not None
                    and now - unsaved_since >= self.config.save_text_within_s
                )
                if text_due or now - last_checkpoint >= self.config.checkpoint_interval_s:
                    last_checkpoint = now
                    if await recorder.beat(step_count=step):
                        unsaved_since = None
        await recorder.checkpoint(step_count=step)
        await self._raise_if_stop_requested(recorder.run_id)
        if finish is not None:
            yield StepFinished(
                recorder.run_id,
                step,
                "tool_calls" if calls else finish.finish_reason,
                finish.usage.input_tokens,
                finish.usage.output_tokens,
            )

    async def _run_tools(
        self, recorder: RunRecorder, calls: list[ProviderToolCall], client_tools: frozenset[str]
    ) -> AsyncIterator[RunEvent]:
        ids = await recorder.add_tool_calls([(c.call_id, c.name, c.arguments) for c in calls])
        yield RunStatusChanged(recorder.run_id, RunStatus.requires_action)
        async with self.sessions() as session:
            modes = await tool_modes(session)
        for tool_call_id, call in zip(ids, calls, strict=True):
            if call.name in client_tools:
                await self._await_client(tool_call_id)
                yield ToolCallStarted(
                    recorder.run_id, tool_call_id, call.call_id, call.name, call.arguments
                )
                continue
            approved = True
            if modes.get(call.name) == ToolMode.ask:
                expires_at = utcnow() + timedelta(seconds=self.config.approval_timeout_s)
                await self._ask(recorder, tool_call_id, expires_at)
                yield ApprovalRequested(
                    recorder.run_id,
                    tool_call_id,
                    call.call_id,
                    call.name,
                    call.arguments,
                    expires_at,
                )
                approved = await self._wait_for_decision(recorder, tool_call_id, call, expires_at)
                yield ApprovalDecided(recorder.run_id, tool_call_id, approved)
            yield ToolCallStarted(
                recorder.run_id, tool_call_id, call.call_id, call.name, call.arguments
            )
            if approved:
                outcome = await self._run_tool(recorder, tool_call_id, call)
            else:
                outcome = await self._deny(recorder, tool_call_id, call)
            yield ToolCallFinished(
                recorder.run_id,
                tool_call_id,
                call.name,
                "denied" if not approved else "error" if outcome.is_error else "done",
                outcome.output_json,
            )
            for effect in outcome.effects:
                yield EffectRecorded(
                    recorder.run_id,
                    effect.id or 0,
                    effect.room_name,
                    effect.old_celsius,
                    effect.new_celsius,
                )
            await self._raise_if_stop_requested(recorder.run_id)

    async def _run_tool(
        self, recorder: RunRecorder, tool_call_id: int, call: ProviderToolCall
    ) -> ToolOutcome:
        """Run one call; its row, its effects and the message parts commit together."""
        origin = EffectOrigin(
            source=EffectSource.assistant,
            user_id=recorder.user_id,
            thread_id=recorder.thread_id,
            run_id=recorder.run_id,
            tool_call_id=tool_call_id,
        )
        started_at = utcnow()
        async with self.sessions() as session:
            try:
                outcome = await self.tools.call(
                    call.name, call.arguments, ToolContext(session, origin)
                )
            except Exception:
                logger.exception("Tool %s failed in run %s", call.name, recorder.run_id)
                await session.rollback()
                outcome = ToolOutcome(
                    {"error": f"The tool {call.name} failed unexpectedly; nothing was changed."},
                    is_error=True,
                )
            status = ToolCallStatus.error if outcome.is_error else ToolCallStatus.done
            await self._record(session, recorder, tool_call_id, call, outcome, status, started_at)
            await session.commit()
        logger.debug("Tool %s -> %s", call.name, status)
        return outcome

    async def _deny(
        self, recorder: RunRecorder, tool_call_id: int, call: ProviderToolCall
    ) -> ToolOutcome:
        """A denied call: nothing runs, and the model is told so as the call's result."""
        outcome = ToolOutcome(
            {
                "error": f"The person denied this {call.name} call; nothing was changed. "
                "Do not try it again unless they ask."
            },
            is_error=True,
        )
        async with self.sessions() as session:
            await self._record(
                session, recorder, tool_call_id, call, outcome, ToolCallStatus.denied, utcnow()
            )
            await session.commit()
        return outcome

    async def _record(
        self,
        session: AsyncSession,
        recorder: RunRecorder,
        tool_call_id: int,
        call: ProviderToolCall,
        outcome: ToolOutcome,
        status: ToolCallStatus,
        started_at: datetime,
    ) -> None:
        """Store a call's outcome on its row and in the message, in the caller's transaction."""
        row = await session.get(ToolCall, tool_call_id)
        assert row is not None
        row.status = status
        row.result = outcome.output
        row.error = outcome.output.get("error") if outcome.is_error else None
        row.started_at, row.finished_at = started_at, utcnow()
        recorder.parts.append(
            ToolResultPart(
                tool_call_id,
                call.call_id,
                call.name,
                outcome.output_json,
                outcome.is_error,
                status,
            )
        )
        recorder.parts += [
            EffectPart(effect.id or 0, effect.room_name, effect.old_celsius, effect.new_celsius)
            for effect in outcome.effects
        ]
        await recorder.checkpoint(session)

    async def _await_client(self, tool_call_id: int) -> None:
        async with self.sessions() as session:
            row = await session.get(ToolCall, tool_call_id)
            assert row is not None
            row.status = ToolCallStatus.awaiting_client
            await session.commit()

    async def _ask(self, recorder: RunRecorder, tool_call_id: int, expires_at: datetime) -> None:
        async with self.sessions() as session:
            row = await session.get(ToolCall, tool_call_id)
            assert row is not None
            row.status, row.approval_expires_at = ToolCallStatus.awaiting_approval, expires_at
            await recorder.checkpoint(session)
            await session.commit()

    async def _wait_for_decision(
        self,
        recorder: RunRecorder,
        tool_call_id: int,
        call: ProviderToolCall,
        expires_at: datetime,
    ) -> bool:
        """Poll the database for the owner's answer (from any tab or worker), beating the
        heart meanwhile; a Stop or the deadline ends the wait."""
        last_checkpoint = self.clock()
        while True:
            await asyncio.sleep(self.config.stop_poll_interval_s)
            if self.stops.requested(recorder.run_id):
                raise _StopRequested
            async with self.sessions() as session:
                status = await call_status(session, tool_call_id)
            if status == ToolCallStatus.running:
                return True
            if status == ToolCallStatus.denied:
                return False
            if utcnow() >= expires_at:
                raise _ApprovalExpired(
                    f"No one answered the request to run {call.name} within "
                    f"{_wait_text(self.config.approval_timeout_s)}; nothing was changed."
                )
            if self.clock() - last_checkpoint >= self.config.checkpoint_interval_s:
                last_checkpoint = self.clock()
                await recorder.beat()

    async def _raise_if_stop_requested(self, run_id: int) -> None:
        async with self.sessions() as session:
            if await run_status(session, run_id) == RunStatus.cancelling:
                raise _StopRequested

    async def _instructions(self) -> str:
        async with self.sessions() as session:
            return await self.instructions(session)

    async def _conversation(self, recorder: RunRecorder) -> list[ConversationItem]:
        async with self.sessions() as session:
            messages = await list_messages(session, recorder.thread_id)
        # The message being written is read from memory: it is newer than its checkpoint.
        for message in messages:
            if message.id == recorder.message_id:
                message.parts = dump_parts(recorder.parts)
        return fit_to_budget(items_from_messages(messages), self.config.max_context_chars)
