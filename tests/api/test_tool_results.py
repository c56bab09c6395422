"""The results of the client's tools in a chat request: assistant-ui's `tool-result` parts and
useChat's finished `tool-*` parts, as the engine takes them; a bad one names its field."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.api.tool_results import ToolResult, UiToolResult
from app.assistant.client_tools import ClientToolResult


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        (
            b'{"messages": [{"role": "user", "content": "hi"}, {"role": "tool", "content": '
            b'[{"type": "tool-result", "toolCallId": "c1", "output": {"type": "xml"}}]}]}',
            "messages.1.content.0.output.type",
            "'json', 'text'",
        ),
        (
            b'{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "parts": '
            b'[{"type": "tool-locate", "state": "output-available", "output": 1}]}]}',
            "messages.1.parts.0.toolCallId",
            "1 to 100 characters",
        ),
    ],
)
async def test_bad_bodies_name_the_field(
    client: httpx.AsyncClient, alice: dict[str, str], body: bytes, field: str, says: str
) -> None:
    response = await client.post(
        "/api/chat", content=body, headers={**alice, "Content-Type": "application/json"}
    )
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["field"] == field and says in error["message"]


@pytest.mark.parametrize(
    ("part", "taken"),
    [
        (
            {"type": "tool-result", "toolCallId": "c1", "output": {"type": "json", "value": 2}},
            ClientToolResult("c1", 2, False),
        ),
        (
            {
                "type": "tool-result",
                "toolCallId": "c1",
                "output": {"type": "error-text", "value": "no"},
            },
            ClientToolResult("c1", "no", True),
        ),
        (
            {"type": "tool-result", "toolCallId": "c1", "result": {"a": 1}, "isError": True},
            ClientToolResult("c1", {"a": 1}, True),
        ),
    ],
)
def test_an_assistant_ui_result_is_taken_with_its_error_flag(
    part: dict[str, Any], taken: ClientToolResult
) -> None:
    assert ToolResult.model_validate(part).taken() == taken


def test_a_use_chat_result_is_its_output_or_its_error_text() -> None:
    done = {"type": "tool-locate", "state": "output-available", "toolCallId": "c1", "output": 3}
    failed = {"type": "dynamic-tool", "state": "output-error", "toolCallId": "c2", "errorText": "x"}
    assert UiToolResult.model_validate(done).taken() == ClientToolResult("c1", 3)
    assert UiToolResult.model_validate(failed).taken() == ClientToolResult(
        "c2", {"error": "x"}, True
    )


def test_a_result_with_neither_output_nor_result_is_refused() -> None:
    with pytest.raises(ValueError, match="neither `output` nor `result`"):
        ToolResult.model_validate({"type": "tool-result", "toolCallId": "c1"})
