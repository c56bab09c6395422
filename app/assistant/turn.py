"""One model turn of a run: the request from the thread so far, and its streamed answer.

The provider's stream is read from a task of its own, so waiting for its next chunk with a
timeout (to beat the heart while it is silent) never cancels it mid-chunk.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import aclosing
from typing import TypeVar

from app.assistant.branches import messages_before
from app.assistant.conversation import fit_to_budget, items_from_messages
from app.assistant.events import (
    RunEvent,
    RunRetrying,
    StepFinished,
    SuggestionsOffered,
    TextDelta,
    ToolInputDelta,
)
from app.assistant.files.message import files_of
from app.assistant.message_parts import dump_parts
from app.assistant.providers.base import (
    ProviderChosen,
    ProviderFinish,
    ProviderRetry,
    ProviderSuggestions,
    ProviderText,
    ProviderToolCall,
    ProviderToolInput,
    TurnRequest,
)
from app.assistant.run_context import RunContext
from app.assistant.threads import list_messages
from app.db.models import Message
from app.db.statuses import Role
from app.home.rooms import list_rooms

T = TypeVar("T")

_END = object()


def _pump(source: AsyncIterator[T], queue: asyncio.Queue[object]) -> asyncio.Task[None]:
    """Copy a source into a queue (its error too, then an end mark) from a task."""

    async def pump() -> None:
        try:
            async with aclosing(source) as stream:
                async for item in stream:
                    await queue.put(item)
        except Exception as exc:  # handed to the consumer, who raises it in its own task
            await queue.put(_Failure(exc))
        finally:
            await queue.put(_END)

    return asyncio.create_task(pump())


class _Failure:
    def __init__(self, error: Exception) -> None:
        self.error = error


async def _stop(producer: asyncio.Task[None]) -> None:
    if not producer.done():
        producer.cancel()
    # Let the source finish its own bookkeeping (a provider closes its HTTP stream).
    await asyncio.wait([producer])


async def ticking(
    source: AsyncIterator[T],
    interval_s: float | Callable[[], float],
    *,
    merge_text_s: float = 0.0,
) -> AsyncIterator[T | None]:
    """The source's items, plus None whenever `interval_s` (or what it returns now) passes
    without one. With `merge_text_s`, text is handed on at most that often: the pieces that
    arrive meanwhile come as one `ProviderText` (what follows them keeps its place), so the
    engine, the feed and the writers work per batch, not per token."""
    wait_s = interval_s if callable(interval_s) else lambda: interval_s
    queue: asyncio.Queue[object] = asyncio.Queue()
    producer = _pump(source, queue)
    loop = asyncio.get_running_loop()
    held: object = _NOTHING  # taken while merging text; handed on next
    text_due = 0.0  # text that arrives before this waits for the pieces after it
    try:
        while True:
            if held is not _NOTHING:
                item, held = held, _NOTHING
            else:
                try:
                    # What is already there first: a zero timeout would never wait for it.
                    item = queue.get_nowait()
                except asyncio.QueueEmpty:
                    try:
                        # asyncio.timeout, not wait_for: no task per item.
                        async with asyncio.timeout(wait_s()):
                            item = await queue.get()
                    except TimeoutError:
                        yield None
                        continue
            if item is _END:
                return
            if isinstance(item, _Failure):
                raise item.error
            if merge_text_s > 0 and isinstance(item, ProviderText):
                if (early_s := text_due - loop.time()) > 0:
                    await asyncio.sleep(early_s)
                item, held = _merged(item, queue)
                text_due = loop.time() + merge_text_s
            yield item  # type: ignore[misc]
    finally:
        await _stop(producer)


_NOTHING = object()


def _merged(first: ProviderText, queue: asyncio.Queue[object]) -> tuple[ProviderText, object]:
    """The text queued after `first`, joined to it; and the first other item (if any)."""
    texts = [first.text]
    while True:
        try:
            item = queue.get_nowait()
        except asyncio.QueueEmpty:
            item = _NOTHING
            break
        if not isinstance(item, ProviderText):
            break
        texts.append(item.text)
    return (first if len(texts) == 1 else ProviderText("".join(texts))), item


async def turn_request(run: RunContext) -> TurnRequest:
    """Hearth's instructions (and the client's), the conversation in budget, the tools, the
    rooms. The instructions and the thread are read on the run's first turn only; the rooms
    on every turn."""
    memory, recorder = run.memory, run.recorder
    async with run.sessions() as session:
        rooms = await list_rooms(session)
        memory.rooms = tuple(room.name for room in rooms)
        if memory.instructions is None:
            instructions = run.instructions(rooms)
            if run.client.system:
                instructions = (
                    f"{instructions}\n\n{run.client.system}" if instructions else run.client.system
                )
            memory.instructions = instructions
        if memory.earlier is None:
            messages = await list_messages(session, recorder.thread_id)
            # Only the branch on screen: the model never sees a version edited away.
            memory.earlier = messages_before(messages, recorder.message_id)
            memory.files = await files_of(session, memory.earlier)
    # The message being written is read from memory: it is newer than its checkpoint.
    own = Message(
        id=recorder.message_id,
        thread_id=recorder.thread_id,
        run_id=run.run_id,
        role=Role.assistant,
        parts=dump_parts(recorder.parts),
    )
    items = items_from_messages([*memory.earlier, own], memory.files)
    return TurnRequest(
        instructions=memory.instructions,
        items=tuple(fit_to_budget(items, run.config.max_context_chars)),
        tools=run.tools.specs + run.client.tools,
        run_id=run.run_id,
        room_names=memory.rooms,
    )


async def stream_turn(
    run: RunContext, step: int, calls: list[ProviderToolCall]
) -> AsyncIterator[RunEvent]:
    """Ask the provider for turn `step`, yielding its text as it comes and saving it within
    `save_text_within_s`; the tool calls it ends with are appended to `calls`."""
    config, recorder, clock = run.config, run.recorder, run.clock
    request = await turn_request(run)
    finish: ProviderFinish | None = None

    def next_tick_s() -> float:
        # (A save asked for is on its way; text a round took along is saved: not due.)
        if recorder.save_requested or recorder.last_beat is None:
            return config.checkpoint_interval_s
        due = recorder.last_beat + config.checkpoint_interval_s
        if recorder.unsaved_since is not None:
            due = min(due, recorder.unsaved_since + config.save_text_within_s)
        return max(0.0, due - clock())

    # Ticks come while the provider is silent, so the heartbeat and the saving of text
    # already shown do not wait for its next chunk.
    stream = ticking(
        run.provider.stream_turn(request),
        next_tick_s,
        merge_text_s=config.stream_flush_interval_s,
    )
    recorder.streaming(clock())
    try:
        async with aclosing(stream):
            async for event in stream:
                now = clock()
                if isinstance(event, ProviderText) and event.text:
                    recorder.append_text(event.text, now)
                    yield TextDelta(recorder.run_id, recorder.message_id, event.text)
                elif isinstance(event, ProviderToolInput):
                    yield ToolInputDelta(recorder.run_id, event.call_id, event.name, event.delta)
                elif isinstance(event, ProviderToolCall):
                    calls.append(event)
                elif isinstance(event, ProviderSuggestions):
                    # Each is sent as a message when chosen: blank ones could not be.
                    texts = tuple(t.strip() for t in event.texts if t.strip())
                    if texts:
                        recorder.suggest(texts)
                        yield SuggestionsOffered(recorder.run_id, recorder.message_id, texts)
                elif isinstance(event, ProviderFinish):
                    finish = event
                elif isinstance(event, ProviderChosen):
                    recorder.defer(provider=event.provider)
                elif isinstance(event, ProviderRetry):
                    yield RunRetrying(
                        recorder.run_id,
                        event.attempt,
                        event.max_attempts,
                        event.delay_s,
                        event.reason,
                    )
                since = recorder.unsaved_since
                text_due = since is not None and now - since >= config.save_text_within_s
                beat_due = now - (recorder.last_beat or now) >= config.checkpoint_interval_s
                if text_due or beat_due:
                    # Written by the next round; the stream goes on meanwhile.
                    recorder.request_save()
    finally:
        recorder.streamed()
    # Saved by the checkpoint that follows every turn (the tool calls', or the run's end).
    recorder.defer(step_count=step)
    if finish is not None:
        yield StepFinished(
            recorder.run_id,
            step,
            "tool_calls" if calls else finish.finish_reason,
            finish.usage.input_tokens,
            finish.usage.output_tokens,
        )
