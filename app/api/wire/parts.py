"""A run as the JavaScript chat clients see one: steps, text, tool calls, results, data, end.

Both wire formats (the data stream protocol and the AI SDK UI message stream) say the same
things in different words; `Narrator` turns Hearth's run events into these neutral parts
once, and each format only spells them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from app.assistant.events import (
    ApprovalDecided,
    ApprovalRequested,
    EffectRecorded,
    RunEvent,
    RunFinished,
    RunRetrying,
    StepFinished,
    SuggestionsOffered,
    TextDelta,
    ToolCallFinished,
    ToolCallStarted,
    ToolInputDelta,
)
from app.assistant.providers.base import Usage

# The AI SDK's finish reasons, from Hearth's.
_FINISH = {
    "stop": "stop",
    "tool_calls": "tool-calls",
    "length": "length",
    "content_filter": "content-filter",
}


@dataclass(frozen=True)
class StartStep:
    """A model turn begins."""


@dataclass(frozen=True)
class Text:
    """Reply text."""

    text: str


@dataclass(frozen=True)
class ToolInputStart:
    """The model began writing a tool call (`by_hearth`: Hearth runs it, not the client)."""

    call_id: str
    name: str
    by_hearth: bool = True


@dataclass(frozen=True)
class ToolInput:
    """More of a tool call's arguments (JSON text)."""

    call_id: str
    delta: str


@dataclass(frozen=True)
class ToolInputAvailable:
    """A complete tool call with its arguments (`by_hearth`: Hearth runs it; otherwise it is
    one of the client's own tools, for the client to run)."""

    call_id: str
    name: str
    args: Any
    by_hearth: bool = True


@dataclass(frozen=True)
class ApprovalRequest:
    """An "ask first" call waits for the owner's answer (`POST /api/approvals/{id}`)."""

    approval_id: str
    call_id: str


@dataclass(frozen=True)
class ApprovalResponse:
    """The owner answered an approval request."""

    approval_id: str
    approved: bool


@dataclass(frozen=True)
class ToolResult:
    """What a tool call returned (an object with `error` when it failed or was denied;
    `denied`: the owner said no, so it never ran)."""

    call_id: str
    result: Any
    is_error: bool
    denied: bool = False


@dataclass(frozen=True)
class Data:
    """Something Hearth adds beside the text: an effect, an approval, a retry, suggestions."""

    name: str
    data: dict[str, Any]
    id: str = ""


@dataclass(frozen=True)
class Error:
    """The run failed; the text says why (safe to show)."""

    text: str


@dataclass(frozen=True)
class FinishStep:
    """A model turn ended."""

    reason: str
    usage: Usage


@dataclass(frozen=True)
class Finish:
    """The reply ended."""

    reason: str
    usage: Usage
    status: str


Part = (
    StartStep
    | Text
    | ToolInputStart
    | ToolInput
    | ToolInputAvailable
    | ApprovalRequest
    | ApprovalResponse
    | ToolResult
    | Data
    | Error
    | FinishStep
    | Finish
)


def suggestions_data(message_id: int, texts: tuple[str, ...]) -> Data:
    """The messages a reply suggests sending next, as the `suggestions` data part (live and
    in the history alike)."""
    return Data("suggestions", {"texts": list(texts)}, f"suggestions-{message_id}")


def json_or_text(text: str) -> Any:
    """Stored JSON text (tool arguments, outputs) as a value; text that is not JSON as is."""
    try:
        return json.loads(text) if text else {}
    except ValueError:
        return text


@dataclass
class Narrator:
    """Turns one run's events into parts, in the order the clients expect.

    A step's finish waits until its tool calls have run, so each step reads: start, text and
    tool calls, their results, finish. `client_tools` are the names of the tools the client
    runs itself.
    """

    client_tools: frozenset[str] = frozenset()
    usage: Usage = field(default_factory=Usage)
    _in_step: bool = False
    _step_end: FinishStep | None = None
    _inputs: set[str] = field(default_factory=set)
    _call_ids: dict[int, str] = field(default_factory=dict)
    _announced: set[int] = field(default_factory=set)
    _status: str = ""
    _reason: str = "stop"

    def _open(self) -> list[Part]:
        """Start a step if none is open (a step's tool calls come after its model turn)."""
        if self._in_step:
            return []
        self._in_step = True
        return [StartStep()]

    def _before_output(self) -> list[Part]:
        """New model output: finish the step whose turn ended, and start the next."""
        parts: list[Part] = []
        if self._step_end is not None:
            parts += [*self._open(), self._step_end]
            self._step_end, self._in_step = None, False
        return parts + self._open()

    def _call(self, call_row_id: int, call_id: str, name: str, arguments: str) -> list[Part]:
        """A complete tool call, once (an "ask first" call is announced before it runs)."""
        self._call_ids[call_row_id] = call_id
        if call_row_id in self._announced:
            return []
        self._announced.add(call_row_id)
        by_hearth = name not in self.client_tools
        call = ToolInputAvailable(call_id, name, json_or_text(arguments), by_hearth)
        return [*self._open(), call]

    def take(self, event: RunEvent) -> list[Part]:
        """The parts one event adds."""
        match event:
            case TextDelta(text=text) if text:
                return [*self._before_output(), Text(text)]
            case ToolInputDelta(call_id=call_id, name=name, delta=delta):
                parts = self._before_output()
                if call_id not in self._inputs:
                    self._inputs.add(call_id)
                    parts.append(ToolInputStart(call_id, name, name not in self.client_tools))
                return [*parts, ToolInput(call_id, delta)]
            case StepFinished():
                usage = Usage(event.input_tokens, event.output_tokens)
                self.usage += usage
                self._reason = _FINISH.get(event.finish_reason, "other")
                self._step_end = FinishStep(self._reason, usage)
                return []
            case ApprovalRequested():
                # The call is announced first: an approval request names a call the client
                # already has.
                approval_id = str(event.call_row_id)
                return [
                    *self._call(event.call_row_id, event.call_id, event.name, event.arguments),
                    ApprovalRequest(approval_id, event.call_id),
                    Data(
                        "approval",
                        {
                            "approval_id": approval_id,
                            "tool_call_id": event.call_id,
                            "tool": event.name,
                            "state": "waiting",
                            "expires_at": event.expires_at.isoformat(),
                            # Why Hearth asks beyond the tool's policy (a question asked).
                            **({"reason": event.reason} if event.reason else {}),
                        },
                        f"approval-{approval_id}",
                    ),
                ]
            case ApprovalDecided():
                approval_id = str(event.call_row_id)
                answer = {
                    "approval_id": approval_id,
                    "tool_call_id": self._call_ids.get(event.call_row_id, ""),
                    "state": "approved" if event.approved else "denied",
                }
                return [
                    ApprovalResponse(approval_id, event.approved),
                    Data("approval", answer, f"approval-{approval_id}"),
                ]
            case ToolCallStarted():
                return self._call(event.call_row_id, event.call_id, event.name, event.arguments)
            case ToolCallFinished():
                call_id = self._call_ids.get(event.call_row_id, str(event.call_row_id))
                output, denied = json_or_text(event.output), event.status == "denied"
                return [ToolResult(call_id, output, event.status != "done", denied)]
            case EffectRecorded():
                return [
                    Data(
                        "effect",
                        {
                            "effect_id": event.effect_id,
                            "room": event.room,
                            "old_celsius": event.old_celsius,
                            "new_celsius": event.new_celsius,
                        },
                        f"effect-{event.effect_id}",
                    )
                ]
            case RunRetrying():
                return [Data("retry", {"message": event.notice})]
            case SuggestionsOffered():
                # One id per reply: a later offer replaces an earlier one in the client.
                return [suggestions_data(event.message_id, event.texts)]
            case RunFinished():
                self._status = event.status
                parts: list[Part] = []
                if event.error:
                    parts.append(Error(event.error))
                return parts
        return []

    def end(self) -> list[Part]:
        """The reply's last parts: the open step's finish, then the finish."""
        parts: list[Part] = []
        if self._step_end is not None:
            parts += [*self._open(), self._step_end]
        elif self._in_step:
            parts.append(FinishStep("other", Usage()))
        status = self._status or "cancelled"
        reason = {"completed": self._reason, "failed": "error"}.get(status, "other")
        parts.append(Finish(reason, self.usage, status))
        return parts
