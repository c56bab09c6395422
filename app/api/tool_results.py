"""The parts of a message after the new user message that carry the results of the client's
tools: assistant-ui's `tool-result` parts, useChat's `tool-<name>` (or `dynamic-tool`) parts
once their state is `output-available` or `output-error`. Other parts are not read."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, JsonValue, model_validator

from app.api.refusals import ApiModel, Described, choice, is_typed, refusal, says
from app.assistant.client_tools import ClientToolResult

UNTYPED = "must be an object with a `type`."
MAX_CALL_ID_CHARS = 100
OUTPUT_KINDS = ("json", "text", "error-json", "error-text", "content")
_TYPED = {"type": "object", "required": ["type"], "properties": {"type": {"type": "string"}}}
_UI_TOOL_TYPE = "^(tool-|dynamic-tool$)"
_UI_RESULT_STATES = ("output-available", "output-error")

CallId = Annotated[
    str,
    Field(min_length=1, max_length=MAX_CALL_ID_CHARS),
    says(f"must be a string of 1 to {MAX_CALL_ID_CHARS} characters."),
]


class ToolOutput(ApiModel):
    """A tool's output as the AI SDK's language model types it."""

    type: Annotated[
        Literal[OUTPUT_KINDS],  # type: ignore[valid-type]
        says(
            lambda v: f"must be 'json', 'text', 'error-json', 'error-text' or 'content', not {v!r}."
        ),
    ]
    value: JsonValue = None


_Output = choice(
    lambda v: "<output>" if is_typed(v) else "<not-output>",
    "",
    **{
        "<output>": ToolOutput,
        "<not-output>": Annotated[JsonValue, Described({"not": _TYPED}, instead=True)],
    },
)


class ToolResult(ApiModel):
    """assistant-ui: the result of a client tool's call, as `output` ({type, value}) or, from
    older clients, `result` with `isError`."""

    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"required": ["output"], "properties": {"output": _TYPED}},
                {"required": ["result"]},
            ]
        }
    )

    type: Literal["tool-result"]
    output: _Output = None
    result: JsonValue = None
    is_error: JsonValue = None
    tool_call_id: CallId

    @model_validator(mode="before")
    @classmethod
    def _has_result(cls, data: Any) -> Any:
        if isinstance(data, dict) and not is_typed(data.get("output")) and "result" not in data:
            raise refusal("has neither `output` nor `result`.")
        return data

    def taken(self) -> ClientToolResult:
        """The result for the engine."""
        if isinstance(self.output, ToolOutput):
            is_error = self.output.type.startswith("error-")
            return ClientToolResult(self.tool_call_id, self.output.value, is_error)
        return ClientToolResult(self.tool_call_id, self.result, bool(self.is_error))


class UiToolResult(ApiModel):
    """useChat: a `tool-<name>` (or `dynamic-tool`) part once the client's tool has run."""

    type: Annotated[str, Described({"pattern": _UI_TOOL_TYPE, "not": {"const": "tool-result"}})]
    state: Literal[_UI_RESULT_STATES]  # type: ignore[valid-type]
    tool_call_id: CallId
    output: JsonValue = None
    error_text: JsonValue = None

    def taken(self) -> ClientToolResult:
        """The result for the engine."""
        if self.state == "output-error":
            return ClientToolResult(self.tool_call_id, {"error": str(self.error_text)}, True)
        return ClientToolResult(self.tool_call_id, self.output)


class UnreadPart(ApiModel):
    """Any other part (the reply's text, a tool call, a call still running): not read."""

    model_config = ConfigDict(
        json_schema_extra={
            "not": {
                "anyOf": [
                    {"properties": {"type": {"const": "tool-result"}}},
                    {
                        "required": ["state"],
                        "properties": {
                            "type": {"pattern": _UI_TOOL_TYPE},
                            "state": {"enum": list(_UI_RESULT_STATES)},
                        },
                    },
                ]
            }
        }
    )
    type: str


def _following_part(value: Any) -> str | None:
    if not is_typed(value):
        return None
    kind = value["type"]
    if kind == "tool-result":
        return "<tool-result>"
    ui_tool = kind == "dynamic-tool" or kind.startswith("tool-")
    return "<ui-result>" if ui_tool and value.get("state") in _UI_RESULT_STATES else "<unread>"


def _following_parts(value: Any) -> str | None:
    if isinstance(value, list):
        return "<parts>"
    return "<string>" if isinstance(value, str) else "<none>" if value is None else None


FollowingPart = choice(
    _following_part,
    UNTYPED,
    **{"<tool-result>": ToolResult, "<ui-result>": UiToolResult, "<unread>": UnreadPart},
)
