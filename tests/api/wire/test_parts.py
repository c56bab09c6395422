"""The narrator: every step opens before its parts and finishes after its tool results."""

from __future__ import annotations

from app.api.wire.parts import (
    Finish,
    FinishStep,
    Narrator,
    Part,
    StartStep,
    Text,
    ToolCall,
    ToolResult,
)
from app.assistant.events import (
    RunFinished,
    StepFinished,
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
        "ToolCall",
        "ToolResult",
        "FinishStep",
        "StartStep",
        "Text",
        "FinishStep",
        "Finish",
    ]
    assert parts[1] == ToolCall("call_a", "get_room_temperature", {"room": "bedroom"})
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
