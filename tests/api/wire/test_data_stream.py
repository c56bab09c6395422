"""The data stream protocol: each part is one `CODE:JSON` line, exactly as assistant-ui's
`useDataStreamRuntime` reads it."""

from __future__ import annotations

import pytest

from app.api.wire.data_stream import DataStreamWriter
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
from app.assistant.providers.base import Usage


@pytest.mark.parametrize(
    ("part", "line"),
    [
        (StartStep(), 'f:{"messageId":"msg-7"}\n'),
        (Text("It is 20 °C.\n"), '0:"It is 20 °C.\\n"\n'),
        (ToolInputStart("c1", "locate"), 'b:{"toolCallId":"c1","toolName":"locate"}\n'),
        (ToolInput("c1", '{"ro'), 'c:{"toolCallId":"c1","argsTextDelta":"{\\"ro"}\n'),
        (
            ToolInputAvailable("c1", "get_room_temperature", {"room": "kitchen"}),
            '9:{"toolCallId":"c1","toolName":"get_room_temperature","args":{"room":"kitchen"}}\n',
        ),
        (
            ToolResult("c1", {"celsius": 20}, False),
            'a:{"toolCallId":"c1","result":{"celsius":20}}\n',
        ),
        (
            Data("effect", {"room": "kitchen"}, "e1"),
            '2:[{"type":"effect","id":"e1","room":"kitchen"}]\n',
        ),
        (Data("retry", {"attempt": 2}), '2:[{"type":"retry","attempt":2}]\n'),
        (Error("The model failed."), '3:"The model failed."\n'),
        (
            FinishStep("tool-calls", Usage(5, 1)),
            'e:{"finishReason":"tool-calls","usage":{"promptTokens":5,"completionTokens":1},'
            '"isContinued":false}\n',
        ),
        (
            Finish("stop", Usage(12, 4), "completed"),
            'd:{"finishReason":"stop","usage":{"promptTokens":12,"completionTokens":4}}\n',
        ),
    ],
)
def test_each_part_is_its_line(part: Part, line: str) -> None:
    assert DataStreamWriter("msg-7").write(part) == line


def test_approvals_have_no_line_of_their_own() -> None:
    # The `approval` data part beside them says it in this protocol.
    writer = DataStreamWriter("msg-7")
    assert writer.write(ApprovalRequest("10", "c1")) == ""
    assert writer.write(ApprovalResponse("10", approved=True)) == ""


def test_the_stream_has_nothing_around_its_parts_and_says_its_format() -> None:
    writer = DataStreamWriter("msg-7")
    assert (writer.opening(), writer.closing()) == ("", "")
    assert writer.headers == {"x-vercel-ai-data-stream": "v1"}
    assert writer.media_type == "text/plain; charset=utf-8"


def test_what_is_no_part_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="not a part"):
        DataStreamWriter("msg-7").write("hello")  # type: ignore[arg-type]
