"""The AI SDK UI message stream: server-sent events of one JSON chunk each, text in blocks
(start, deltas, end), Hearth's own tool calls marked provider-executed, `[DONE]` last."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.api.wire.parts import (
    ApprovalRequest,
    ApprovalResponse,
    Data,
    Error,
    Finish,
    FinishStep,
    Part,
    StartStep,
    Text,
    ToolInput,
    ToolInputAvailable,
    ToolInputStart,
    ToolResult,
)
from app.api.wire.ui_message_stream import CHUNK_TYPES, UiMessageStreamWriter
from app.assistant.providers.base import Usage

METADATA = {"threadId": "t1", "runId": 4}


def _chunks(sse: str) -> list[Any]:
    """The events' data, each checked to be a whole `data: ...` event."""
    events = sse.split("\n\n")
    assert events[-1] == "", f"not ended by a blank line: {sse!r}"
    out = []
    for event in events[:-1]:
        assert event.startswith("data: ") and "\n" not in event, event
        data = event.removeprefix("data: ")
        out.append(data if data == "[DONE]" else json.loads(data))
    return out


def test_the_stream_opens_with_the_message_and_closes_with_done() -> None:
    writer = UiMessageStreamWriter("msg-7", METADATA)
    assert (
        writer.opening()
        == 'data: {"type":"start","messageMetadata":{"threadId":"t1","runId":4},"messageId":"msg-7"}\n\n'
    )
    assert writer.closing() == "data: [DONE]\n\n"
    assert writer.media_type == "text/event-stream"
    assert writer.headers["x-vercel-ai-ui-message-stream"] == "v1"


def test_a_reply_carried_on_after_tool_results_names_no_new_message() -> None:
    writer = UiMessageStreamWriter("msg-7", METADATA, continues=True)
    assert _chunks(writer.opening()) == [{"type": "start", "messageMetadata": METADATA}]


def test_text_comes_in_blocks_closed_by_the_next_part_but_not_by_data() -> None:
    writer = UiMessageStreamWriter("msg-7")
    parts: list[Part] = [
        StartStep(),
        Text("It is "),
        Data("effect", {"room": "kitchen"}, "e1"),
        Text("20 °C."),
        FinishStep("stop", Usage(5, 1)),
        Text("More."),
        Error("The model failed."),
    ]
    assert _chunks("".join(writer.write(p) for p in parts)) == [
        {"type": "start-step"},
        {"type": "text-start", "id": "msg-7-text-1"},
        {"type": "text-delta", "id": "msg-7-text-1", "delta": "It is "},
        {"type": "data-effect", "data": {"room": "kitchen"}, "id": "e1"},
        {"type": "text-delta", "id": "msg-7-text-1", "delta": "20 °C."},
        {"type": "text-end", "id": "msg-7-text-1"},
        {"type": "finish-step"},
        {"type": "text-start", "id": "msg-7-text-2"},
        {"type": "text-delta", "id": "msg-7-text-2", "delta": "More."},
        {"type": "text-end", "id": "msg-7-text-2"},
        {"type": "error", "errorText": "The model failed."},
    ]


def test_a_call_of_hearths_is_provider_executed_and_one_of_the_clients_is_not() -> None:
    writer = UiMessageStreamWriter("msg-7")
    parts: list[Part] = [
        ToolInputStart("c1", "get_room_temperature"),
        ToolInput("c1", '{"room":'),
        ToolInputAvailable("c1", "get_room_temperature", {"room": "kitchen"}),
        ToolResult("c1", {"celsius": 20}, False),
        ToolInputStart("c2", "locate", by_hearth=False),
        ToolInputAvailable("c2", "locate", {}, by_hearth=False),
    ]
    assert _chunks("".join(writer.write(p) for p in parts)) == [
        {
            "type": "tool-input-start",
            "toolCallId": "c1",
            "toolName": "get_room_temperature",
            "providerExecuted": True,
        },
        {"type": "tool-input-delta", "toolCallId": "c1", "inputTextDelta": '{"room":'},
        {
            "type": "tool-input-available",
            "toolCallId": "c1",
            "toolName": "get_room_temperature",
            "input": {"room": "kitchen"},
            "providerExecuted": True,
        },
        {"type": "tool-output-available", "toolCallId": "c1", "output": {"celsius": 20}},
        {"type": "tool-input-start", "toolCallId": "c2", "toolName": "locate"},
        {"type": "tool-input-available", "toolCallId": "c2", "toolName": "locate", "input": {}},
    ]


@pytest.mark.parametrize(
    ("part", "chunk"),
    [
        (
            ToolResult("c1", {"error": "Room 'attic' not found."}, True),
            {
                "type": "tool-output-error",
                "toolCallId": "c1",
                "errorText": "Room 'attic' not found.",
            },
        ),
        (
            ToolResult("c1", {"error": "Denied."}, True, denied=True),
            {"type": "tool-output-denied", "toolCallId": "c1"},
        ),
        # An error with no message to show is still the output it is.
        (
            ToolResult("c1", {"code": 3}, True),
            {"type": "tool-output-available", "toolCallId": "c1", "output": {"code": 3}},
        ),
        (
            ApprovalRequest("10", "c1"),
            {"type": "tool-approval-request", "approvalId": "10", "toolCallId": "c1"},
        ),
        (
            ApprovalResponse("10", approved=False),
            {"type": "tool-approval-response", "approvalId": "10", "approved": False},
        ),
    ],
)
def test_results_and_approvals_are_their_chunks(part: Part, chunk: dict[str, Any]) -> None:
    assert _chunks(UiMessageStreamWriter("msg-7").write(part)) == [chunk]


def test_the_finish_carries_the_status_and_usage_in_the_metadata() -> None:
    writer = UiMessageStreamWriter("msg-7", METADATA)
    assert _chunks(writer.write(Finish("stop", Usage(12, 4), "completed"))) == [
        {
            "type": "finish",
            "finishReason": "stop",
            "messageMetadata": {
                **METADATA,
                "status": "completed",
                "usage": {"inputTokens": 12, "outputTokens": 4, "totalTokens": 16},
            },
        }
    ]


def test_every_chunk_type_written_is_one_the_description_lists() -> None:
    writer = UiMessageStreamWriter("msg-7", METADATA)
    parts: list[Part] = [
        StartStep(),
        Text("x"),
        ToolInputStart("c1", "t"),
        ToolInput("c1", "{}"),
        ToolInputAvailable("c1", "t", {}),
        ApprovalRequest("1", "c1"),
        ApprovalResponse("1", approved=True),
        ToolResult("c1", 1, False),
        ToolResult("c1", {"error": "e"}, True),
        ToolResult("c1", {"error": "e"}, True, denied=True),
        Error("e"),
        FinishStep("stop", Usage()),
        Finish("stop", Usage(), "completed"),
    ]
    written = writer.opening() + "".join(writer.write(p) for p in parts)
    assert {c["type"] for c in _chunks(written)} == set(CHUNK_TYPES)
