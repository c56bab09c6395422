"""The one provider interface: stream a model turn over a conversation, with tools."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from app.assistant.conversation import ConversationItem


@dataclass(frozen=True)
class ToolSpec:
    """A tool offered to the model: its name, what it does, a JSON schema of its arguments."""

    name: str
    description: str
    parameters: dict[str, Any]


@dataclass(frozen=True)
class TurnRequest:
    """Everything a provider needs for one turn."""

    instructions: str
    items: tuple[ConversationItem, ...]
    tools: tuple[ToolSpec, ...] = ()
    # The run this turn belongs to (0: none), so a provider can keep a run's turns together.
    run_id: int = 0
    # The home's room names as the turn's run read them (None: not read; ask the database).
    room_names: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Usage:
    """Tokens a turn used, where the provider reports them."""

    input_tokens: int = 0
    output_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.input_tokens + other.input_tokens, self.output_tokens + other.output_tokens
        )


@dataclass(frozen=True)
class ProviderText:
    """A piece of the model's reply text."""

    text: str
    kind: Literal["text"] = "text"


@dataclass(frozen=True)
class ProviderToolCall:
    """A complete tool call: arguments only once the last fragment has arrived."""

    call_id: str
    name: str
    arguments: str
    kind: Literal["tool_call"] = "tool_call"


@dataclass(frozen=True)
class ProviderToolInput:
    """A fragment of a tool call's arguments, streamed before the complete ProviderToolCall."""

    call_id: str
    name: str
    delta: str
    kind: Literal["tool_input"] = "tool_input"


FinishReason = Literal["stop", "tool_calls", "length", "content_filter"]


@dataclass(frozen=True)
class ProviderFinish:
    """The turn ended; tool calls (if any) were all emitted before this."""

    finish_reason: FinishReason
    usage: Usage = field(default_factory=Usage)
    kind: Literal["finish"] = "finish"


@dataclass(frozen=True)
class ProviderRetry:
    """The turn failed before any output and will be tried again after `delay_s`."""

    attempt: int
    max_attempts: int
    delay_s: float
    reason: str
    kind: Literal["retry"] = "retry"


@dataclass(frozen=True)
class ProviderSuggestions:
    """Messages the person might send next, offered with the reply (the last offer stands)."""

    texts: tuple[str, ...]
    kind: Literal["suggestions"] = "suggestions"


@dataclass(frozen=True)
class ProviderChosen:
    """Who answers this run (a hybrid's choice on the run's first turn, "hybrid:offline"),
    recorded on the run with its next save."""

    provider: str
    kind: Literal["chosen"] = "chosen"


ProviderEvent = (
    ProviderChosen
    | ProviderText
    | ProviderToolInput
    | ProviderToolCall
    | ProviderSuggestions
    | ProviderFinish
    | ProviderRetry
)


class ProviderError(Exception):
    """A provider could not produce a turn; the message is safe to show a person."""


class RetryableProviderError(ProviderError):
    """A failure worth another try (connection, timeout, 429, 5xx), maybe after a given delay."""

    def __init__(self, message: str, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class Provider(Protocol):
    """Streams one model turn. Implementations: offline, Chat Completions, Responses."""

    name: str

    def stream_turn(self, request: TurnRequest) -> AsyncIterator[ProviderEvent]:
        """Yield text and tool calls as they arrive (and maybe suggestions), then exactly one
        ProviderFinish."""
        ...
