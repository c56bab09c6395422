"""One model turn of a run: the request from the thread so far, and its streamed answer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import aclosing

from app.assistant.conversation import fit_to_budget, items_from_messages
from app.assistant.events import RunEvent, RunRetrying, StepFinished, TextDelta, ToolInputDelta
from app.assistant.message_parts import dump_parts
from app.assistant.providers.base import (
    ProviderFinish,
    ProviderRetry,
    ProviderText,
    ProviderToolCall,
    ProviderToolInput,
    TurnRequest,
)
from app.assistant.run_context import RunContext
from app.assistant.streams import ticking
from app.assistant.threads import list_messages


async def turn_request(run: RunContext) -> TurnRequest:
    """Hearth's instructions (and the client's), the conversation in budget, the tools."""
    async with run.sessions() as session:
        instructions = await run.instructions(session)
        messages = await list_messages(session, run.recorder.thread_id)
    if run.client.system:
        instructions = (
            f"{instructions}\n\n{run.client.system}" if instructions else run.client.system
        )
    # The message being written is read from memory: it is newer than its checkpoint.
    for message in messages:
        if message.id == run.recorder.message_id:
            message.parts = dump_parts(run.recorder.parts)
    items = fit_to_budget(items_from_messages(messages), run.config.max_context_chars)
    return TurnRequest(
        instructions=instructions, items=tuple(items), tools=run.tools.specs + run.client.tools
    )


async def stream_turn(
    run: RunContext, step: int, calls: list[ProviderToolCall]
) -> AsyncIterator[RunEvent]:
    """Ask the provider for turn `step`, yielding its text as it comes and saving it within
    `save_text_within_s`; the tool calls it ends with are appended to `calls`."""
    config, recorder, clock = run.config, run.recorder, run.clock
    request = await turn_request(run)
    last_checkpoint = clock()
    unsaved_since: float | None = None  # when the oldest text not yet saved arrived
    finish: ProviderFinish | None = None

    def next_tick_s() -> float:
        if unsaved_since is None:
            return config.checkpoint_interval_s
        due = unsaved_since + config.save_text_within_s - clock()
        return max(0.0, min(due, config.checkpoint_interval_s))

    # Ticks come while the provider is silent, so the heartbeat and the saving of text
    # already shown do not wait for its next chunk.
    stream = ticking(run.provider.stream_turn(request), next_tick_s)
    async with aclosing(stream):
        async for event in stream:
            now = clock()
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
                    recorder.run_id, event.attempt, event.max_attempts, event.delay_s, event.reason
                )
            text_due = (
                unsaved_since is not None and now - unsaved_since >= config.save_text_within_s
            )
            if text_due or now - last_checkpoint >= config.checkpoint_interval_s:
                last_checkpoint = now
                if await recorder.beat(step_count=step):
                    unsaved_since = None
    await recorder.checkpoint(step_count=step)
    if finish is not None:
        yield StepFinished(
            recorder.run_id,
            step,
            "tool_calls" if calls else finish.finish_reason,
            finish.usage.input_tokens,
            finish.usage.output_tokens,
        )
