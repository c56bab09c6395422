"""Run events: the one vocabulary every consumer of a run speaks (UI, API, tests).

A tool call has two ids: `call_row_id`, its ToolCall row's (what a person approves, and the
approval's id on the wire), and `call_id`, the model's (the wire formats' `toolCallId`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Literal


@dataclass(frozen=True)
class RunStarted:
    """A run was created for a new user message; the assistant message is ready to fill."""

    run_id: int
    thread_id: int
    user_id: int
    user_message_id: int
    assistant_message_id: int
    kind: Literal["run_started"] = "run_started"


@dataclass(frozen=True)
class RunStatusChanged:
    """The run moved to a non-terminal status (in_progress, requires_action, cancelling)."""

    run_id: int
    status: str
    kind: Literal["run_status_changed"] = "run_status_changed"


@dataclass(frozen=True)
class TextDelta:
    """New assistant text, in the order the provider produced it."""

    run_id: int
    message_id: int
    text: str
    kind: Literal["text_delta"] = "text_delta"


@dataclass(frozen=True)
class ToolCallStarted:
    """The model asked for a tool; it is about to run (or, an API client's own tool, to be
    run by the client: no ToolCallFinished follows in this run)."""

    run_id: int
    call_row_id: int
    call_id: str
    name: str
    arguments: str
    kind: Literal["tool_call_started"] = "tool_call_started"


@dataclass(frozen=True)
class ToolCallFinished:
    """A tool call ended: its output (JSON text) goes back to the model either way."""

    run_id: int
    call_row_id: int
    name: str
    status: Literal["done", "error", "denied", "cancelled"]
    output: str
    kind: Literal["tool_call_finished"] = "tool_call_finished"


@dataclass(frozen=True)
class EffectRecorded:
    """A tool changed the home; rendered from the ledger row, never from the model's words."""

    run_id: int
    effect_id: int
    room: str
    old_celsius: float
    new_celsius: float
    kind: Literal["effect_recorded"] = "effect_recorded"


@dataclass(frozen=True)
class ApprovalRequested:
    """A tool call waits for the thread owner's Approve or Deny (until `expires_at`): an "ask
    first" tool, or a change made in answer to a question."""

    run_id: int
    call_row_id: int
    call_id: str  # the model's id for the call
    name: str
    arguments: str
    expires_at: datetime
    # Why it is held beyond the tool's policy ("You asked a question; change the kitchen...").
    reason: str = ""
    kind: Literal["approval_requested"] = "approval_requested"


@dataclass(frozen=True)
class ApprovalDecided:
    """The owner approved or denied a waiting tool call."""

    run_id: int
    call_row_id: int
    approved: bool
    kind: Literal["approval_decided"] = "approval_decided"


@dataclass(frozen=True)
class ToolInputDelta:
    """A fragment of a tool call's arguments as the model writes them (before the call)."""

    run_id: int
    call_id: str
    name: str
    delta: str
    kind: Literal["tool_input_delta"] = "tool_input_delta"


@dataclass(frozen=True)
class SuggestionsOffered:
    """The reply offers messages the person might send next (stored with it; the last offer
    of a run stands)."""

    run_id: int
    message_id: int
    texts: tuple[str, ...]
    kind: Literal["suggestions_offered"] = "suggestions_offered"


@dataclass(frozen=True)
class StepFinished:
    """One model turn ended: why, and the tokens it used (0 where the provider says nothing)."""

    run_id: int
    step: int
    finish_reason: str
    input_tokens: int = 0
    output_tokens: int = 0
    kind: Literal["step_finished"] = "step_finished"


@dataclass(frozen=True)
class RunRetrying:
    """The model failed before answering; the turn is tried again after `delay_s`."""

    run_id: int
    attempt: int
    max_attempts: int
    delay_s: float
    reason: str
    kind: Literal["run_retrying"] = "run_retrying"

    @property
    def notice(self) -> str:
        """What a viewer is told."""
        return (
            f"{self.reason} Retrying in {self.delay_s:.1f} s "
            f"(attempt {self.attempt} of {self.max_attempts})."
        )


@dataclass(frozen=True)
class RunFinished:
    """The run reached its one terminal status (completed, failed, cancelled, expired)."""

    run_id: int
    status: str
    error: str | None = None
    kind: Literal["run_finished"] = "run_finished"


RunEvent = (
    RunStarted
    | RunStatusChanged
    | TextDelta
    | ToolInputDelta
    | SuggestionsOffered
    | StepFinished
    | ToolCallStarted
    | ToolCallFinished
    | EffectRecorded
    | ApprovalRequested
    | ApprovalDecided
    | RunRetrying
    | RunFinished
)


_EVENT_TYPES: dict[str, type] = {
    cls.__dataclass_fields__["kind"].default: cls  # type: ignore[attr-defined]
    for cls in RunEvent.__args__  # type: ignore[attr-defined]
}


def event_to_json(event: RunEvent) -> str:
    """The event as JSON text (a feed entry another worker reads back)."""
    fields = {name: getattr(event, name) for name in event.__dataclass_fields__}
    if isinstance(event, ApprovalRequested):
        fields["expires_at"] = event.expires_at.isoformat()
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))


def event_from_json(text: str) -> RunEvent:
    """The event `event_to_json` wrote; ValueError for anything else."""
    fields = json.loads(text)
    cls = _EVENT_TYPES.get(fields.get("kind")) if isinstance(fields, dict) else None
    if cls is None:
        raise ValueError(f"not a run event: {text[:80]!r}")
    if cls is ApprovalRequested:
        fields["expires_at"] = datetime.fromisoformat(fields["expires_at"])
    if cls is SuggestionsOffered:
        fields["texts"] = tuple(fields["texts"])  # JSON has lists only
    return cls(**fields)
