"""The description's components: one schema per model the endpoints validate with, texts a
database can keep, Hearth's own tool names kept from clients, and the stream formats."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator

from app.api.openapi_schemas import MODELS, component_schemas
from app.api.wire.ui_message_stream import CHUNK_TYPES

OWN = ("set_room_temperature", "get_room_temperature")


def _validator(name: str, schemas: dict[str, Any]) -> Draft202012Validator:
    document = {"$ref": f"#/components/schemas/{name}", "components": {"schemas": schemas}}
    return Draft202012Validator(document)


def test_every_model_and_stream_format_has_its_schema() -> None:
    schemas = component_schemas(OWN)
    names = {model.__name__ for model in MODELS}
    assert names | {"StorableText", "JsonValue", "ToolName", "UiMessageChunk"} <= schemas.keys()


def test_hearths_own_tool_names_are_not_a_clients() -> None:
    tool_name = _validator("ToolName", component_schemas(OWN))
    assert tool_name.is_valid("locate_me")
    assert not tool_name.is_valid("set_room_temperature")
    assert not tool_name.is_valid("a b")
    assert "not" not in component_schemas(())["ToolName"]


def test_no_text_in_a_body_may_hold_a_nul() -> None:
    schemas = component_schemas(OWN)
    user = _validator("UserMessage", schemas)
    assert user.is_valid({"role": "user", "content": "kitchen to 19"})
    assert not user.is_valid({"role": "user", "content": "kitchen\x00 to 19"})
    assert not _validator("JsonValue", schemas).is_valid({"a\x00": 1})


def test_an_optional_field_has_no_null_default() -> None:
    system = component_schemas(OWN)["AssistantUiChatRequest"]["properties"]["system"]
    assert "default" not in system


def test_a_ui_message_chunk_is_a_listed_type_or_a_data_part() -> None:
    chunk = _validator("UiMessageChunk", component_schemas(OWN))
    assert all(chunk.is_valid({"type": kind}) for kind in CHUNK_TYPES)
    assert chunk.is_valid({"type": "data-effect"})
    assert not chunk.is_valid({"type": "reasoning-delta"})
