"""The OpenAPI description's `components/schemas`: generated from the models the endpoints
validate with (and answer in), and, written out here, the two stream formats' events."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue, models_json_schema
from pydantic_core import core_schema

from app.api.approvals import ApprovalAnswer, ApprovalAnswered
from app.api.chat_body import TOOL_NAME, AssistantUiChatRequest, UseChatRequest
from app.api.chat_messages import FollowingMessage, UserMessage
from app.api.errors import Error
from app.api.refusals import COMPONENTS
from app.api.search import SearchResults
from app.api.threads import Suggestions, Thread, ThreadList, ThreadMessages
from app.api.wire.ui_message_stream import CHUNK_TYPES

MODELS: tuple[type[BaseModel], ...] = (
    Error,
    AssistantUiChatRequest,
    UseChatRequest,
    UserMessage,
    FollowingMessage,
    ApprovalAnswer,
    ApprovalAnswered,
    Thread,
    ThreadList,
    ThreadMessages,
    Suggestions,
    SearchResults,
)

_STREAMS: dict[str, Any] = {
    "UiMessageStreamEvent": {
        "type": "object",
        "description": "One server-sent event of the UI message stream: a JSON chunk, or "
        "`[DONE]` at the end.",
        "required": ["data"],
        "properties": {
            "data": {
                "anyOf": [
                    {"const": "[DONE]"},
                    {
                        "type": "string",
                        "contentMediaType": "application/json",
                        "contentSchema": {"$ref": f"{COMPONENTS}UiMessageChunk"},
                    },
                ]
            },
            "event": {"type": "string"},
            "id": {"type": "string"},
        },
    },
    "UiMessageChunk": {
        "type": "object",
        "description": "A chunk of the AI SDK's UI message stream.",
        "required": ["type"],
        "properties": {
            "type": {
                "anyOf": [
                    {"enum": list(CHUNK_TYPES)},
                    {"type": "string", "pattern": "^data-", "description": "A data part."},
                ]
            }
        },
    },
}


class _Generator(GenerateJsonSchema):
    """Pydantic's schemas, without `default: null` where null is no valid value (an absent
    optional field is all it means)."""

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> JsonSchemaValue:
        """The field's schema, with its default unless that is None."""
        json_schema = super().default_schema(schema)
        if "default" in json_schema and json_schema["default"] is None:
            del json_schema["default"]
        return json_schema


# Every text in a body, keys too, must be text a database can keep (see bodies.py).
_TEXT = {"$ref": f"{COMPONENTS}StorableText"}
_STORABLE: dict[str, Any] = {
    "StorableText": {
        "type": "string",
        "pattern": "^[^\\x00]*$",
        "description": "Text Hearth can store: no NUL character (nor a lone surrogate, which "
        "is no Unicode text).",
    },
    "JsonValue": {
        "description": "Any JSON whose texts Hearth can store, nested at most 64 levels.",
        "anyOf": [
            _TEXT,
            {"type": ["number", "boolean", "null"]},
            # `unevaluatedItems` here means `items`; openapi-spec-validator recurses forever
            # on an `items` that refers back to its own schema.
            {"type": "array", "unevaluatedItems": {"$ref": f"{COMPONENTS}JsonValue"}},
            {
                "type": "object",
                "propertyNames": _TEXT,
                "additionalProperties": {"$ref": f"{COMPONENTS}JsonValue"},
            },
        ],
    },
}


def _storable(schema: Any) -> Any:
    """`schema` saying its texts and its objects' keys hold no NUL character."""
    if isinstance(schema, list):
        return [_storable(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: _storable(value) for key, value in schema.items()}
    if out.get("type") == "string" and "const" not in out and "enum" not in out:
        out.setdefault("allOf", []).append(_TEXT)
    if out.get("type") == "object":
        if out.get("additionalProperties") is True:
            out["additionalProperties"] = {"$ref": f"{COMPONENTS}JsonValue"}
        out.setdefault("propertyNames", _TEXT)
    return out


def component_schemas(own_tools: Sequence[str]) -> dict[str, Any]:
    """Every schema the description refers to; `own_tools`, the names of Hearth's own tools,
    which a client's tools may not take."""
    _, generated = models_json_schema(
        [(model, "validation") for model in MODELS],
        ref_template=COMPONENTS + "{model}",
        schema_generator=_Generator,
    )
    tool_name: dict[str, Any] = {
        "type": "string",
        "pattern": TOOL_NAME,
        "description": "What a model's function name may be; not one of Hearth's own tools'.",
    }
    if own_tools:
        tool_name["not"] = {"enum": sorted(own_tools)}
    models = {name: _storable(schema) for name, schema in generated["$defs"].items()}
    return {**models, **_STORABLE, "ToolName": tool_name, **_STREAMS}
