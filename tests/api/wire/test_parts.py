"""The narrator: every step opens before its parts and finishes after its tool results."""

from __future__ import annotations

from datetime import UTC, datetime

from app.api.wire.parts import (
    ApprovalRequest,
    ApprovalResponse,
    Data,
    Finish,
    FinishStep,
    Narrator,
    Part,
    StartStep,
    Text,
    ToolInputAvailable,
    ToolResult,
)
from app.assistant.events import (
    ApprovalDecided,
    ApprovalRequested,
    RunFinished,
    StepFinished,
    SuggestionsOffered,
    TextDelta,
    ToolCallFinished,
    ToolCallStarted,
)


def _kinds(parts: list[Part]) -> list[str]:
    return [type(p).__name__ for p in parts]


def test_a_tool_call_without_streamed_arguments_still_opens_its_step() -> None:
    # The offline assistant hands over whole calls: no text, no argument deltas first.
    narrator = Narrator()
    events = [
        StepFinished(1, 1, "tool_calls", 5, 1),
        ToolCallStarted(1, 10, "call_a", "get_room_temperature", '{"room": "bedroom"}'),
        ToolCallFinished(1, 10, "get_room_temperature", "done", '{"celsius": 20}'),
        TextDelta(1, 2, "It is 20 °C."),
        StepFinished(1, 2, "stop", 7, 3),
        RunFinished(1, "completed"),
    ]
    parts = [p for e in events for p in narrator.take(e)] + narrator.end()
    assert _kinds(parts) == [
        "StartStep",
        "ToolInputAvailable",
        "ToolResult",
        "FinishStep",
        "StartStep",
        "Text",
        "FinishStep",
        "Finish",
    ]
    assert parts[1] == ToolInputAvailable("call_a", "get_room_temperature", {"room": "bedroom"})
    assert parts[2] == ToolResult("call_a", {"celsius": 20}, False)
    assert isinstance(parts[3], FinishStep) and parts[3].reason == "tool-calls"
    assert isinstance(parts[5], Text)
    assert isinstance(parts[-1], Finish) and parts[-1].reason == "stop"
    assert (parts[-1].usage.input_tokens, parts[-1].usage.output_tokens) == (12, 4)


def test_a_turn_with_no_output_is_still_one_whole_step() -> None:
    narrator = Narrator()
    parts = narrator.take(StepFinished(1, 1, "stop")) + narrator.take(RunFinished(1, "completed"))
    parts += narrator.end()
    assert isinstance(parts[0], StartStep) and _kinds(parts) == [
        "StartStep",
        "FinishStep",
        "Finish",
    ]


def test_an_ask_first_call_is_announced_once_before_its_approval_request() -> None:
    # The engine asks before it starts the call; a client can only be asked about a call it
    # already has, and must not be told of it twice.
    narrator = Narrator()
    expires = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    args = '{"room": "kitchen", "celsius": 19}'
    events = [
        StepFinished(1, 1, "tool_calls", 5, 1),
        ApprovalRequested(1, 10, "call_a", "set_room_temperature", args, expires),
        ApprovalDecided(1, 10, False),
        ToolCallStarted(1, 10, "call_a", "set_room_temperature", args),
        ToolCallFinished(1, 10, "set_room_temperature", "denied", '{"error": "Denied."}'),
    ]
    parts = [p for e in events for p in narrator.take(e)]
    assert _kinds(parts) == [
        "StartStep",
        "ToolInputAvailable",
        "ApprovalRequest",
        "Data",
        "ApprovalResponse",
        "Data",
        "ToolResult",
    ]
    assert parts[1] == ToolInputAvailable(
        "call_a", "set_room_temperature", {"room": "kitchen", "celsius": 19}
    )
    assert parts[2] == ApprovalRequest("10", "call_a")
    assert isinstance(parts[3], Data) and parts[3].data["approval_id"] == "10"
    assert parts[3].data["tool_call_id"] == "call_a" and parts[3].data["state"] == "waiting"
    assert parts[4] == ApprovalResponse("10", approved=False)
    assert isinstance(parts[5], Data)
    assert parts[5].data == {"approval_id": "10", "tool_call_id": "call_a", "state": "denied"}
    assert parts[6] == ToolResult("call_a", {"error": "Denied."}, True, denied=True)
    assert "reason" not in parts[3].data


def test_suggestions_are_a_data_part_named_for_their_reply() -> None:
    narrator = Narrator()
    parts = [
        *narrator.take(TextDelta(1, 5, "Try one.")),
        *narrator.take(SuggestionsOffered(1, 5, ("Set the bedroom to 19", "List the rooms"))),
    ]
    assert parts[-1] == Data(
        "suggestions", {"texts": ["Set the bedroom to 19", "List the rooms"]}, "suggestions-5"
    )


def test_a_change_held_because_of_a_question_says_why() -> None:
    expires = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    reason = "You asked a question; change the kitchen to 19 °C?"
    args = '{"room": "kitchen", "celsius": 19}'
    held = ApprovalRequested(1, 10, "call_a", "set_room_temperature", args, expires, reason)
    (data,) = [p for p in Narrator().take(held) if isinstance(p, Data)]
    assert data.data["reason"] == reason and data.data["state"] == "waiting"
