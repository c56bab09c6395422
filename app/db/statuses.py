"""The fixed vocabularies rows use: roles, statuses, sources and modes (string enums)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """Who wrote a message."""

    user = "user"
    assistant = "assistant"


class MessageStatus(StrEnum):
    """Whether a message holds everything it was meant to."""

    complete = "complete"
    incomplete = "incomplete"
    failed = "failed"


class RunStatus(StrEnum):
    """The run state machine (the Assistants API's, owned by Hearth)."""

    queued = "queued"
    in_progress = "in_progress"
    requires_action = "requires_action"
    cancelling = "cancelling"
    cancelled = "cancelled"
    failed = "failed"
    completed = "completed"
    expired = "expired"


TERMINAL_RUN_STATUSES = frozenset(
    {RunStatus.cancelled, RunStatus.failed, RunStatus.completed, RunStatus.expired}
)
LIVE_RUN_STATUSES = tuple(s.value for s in RunStatus if s not in TERMINAL_RUN_STATUSES)


class ToolCallStatus(StrEnum):
    """Where one tool call stands."""

    pending = "pending"
    awaiting_approval = "awaiting_approval"
    # A tool of the API client's own (a "frontend tool"): its result comes in a later request.
    awaiting_client = "awaiting_client"
    running = "running"
    done = "done"
    error = "error"
    denied = "denied"
    cancelled = "cancelled"


class EffectSource(StrEnum):
    """Who caused a change to the home."""

    assistant = "assistant"
    admin = "admin"
    undo = "undo"


class ToolMode(StrEnum):
    """Whether a tool runs when the model calls it or waits for the person's approval."""

    auto = "auto"
    ask = "ask"


class Rating(StrEnum):
    """A person's verdict on an assistant message."""

    up = "up"
    down = "down"


class UserRole(StrEnum):
    """What a person may do."""

    user = "user"
    admin = "admin"
