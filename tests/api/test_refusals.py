"""Request bodies as pydantic models whose refusals read like the rest of Hearth's: a 400
naming the field at fault as a dotted path, in the rule's own words; camelCase on the wire
only, strict types, and fields Hearth does not read kept."""

from __future__ import annotations

from typing import Annotated

import httpx
import pytest

from app.api.errors import ApiError
from app.api.refusals import ApiModel, by_kind, json_kind, says, validated


class Room(ApiModel):
    """A small body to refuse things in."""

    room_name: Annotated[str, says("must be a room's name.")]
    is_warm: bool = False


class House(ApiModel):
    rooms: by_kind("must be a list of rooms.", array=list[Room], null=None) = None


def _refused(data: object) -> ApiError:
    with pytest.raises(ApiError) as refused:
        validated(House, data)
    return refused.value


def test_a_refusal_names_the_field_as_a_dotted_path_in_the_rules_words() -> None:
    error = _refused({"rooms": [{"roomName": "kitchen"}, {"roomName": 3}]})
    assert (error.status, error.field) == (400, "rooms.1.roomName")
    assert error.message == "rooms.1.roomName: must be a room's name."


def test_a_value_of_another_json_type_is_refused_by_the_unions_rule() -> None:
    error = _refused({"rooms": "kitchen"})
    assert (error.field, error.message) == ("rooms", "rooms: must be a list of rooms.")


def test_types_are_strict_and_a_missing_field_says_its_rule() -> None:
    error = _refused({"rooms": [{"roomName": "hall", "isWarm": "yes"}]})
    assert error.field == "rooms.0.isWarm" and "'yes'" in error.message
    assert _refused({"rooms": [{}]}).message == "rooms.0.roomName: must be a room's name."


def test_only_camel_case_is_read_and_other_fields_are_kept() -> None:
    room = validated(Room, {"roomName": "hall", "room_name": "attic", "colour": "red"})
    assert room.room_name == "hall" and room.model_extra == {
        "room_name": "attic",
        "colour": "red",
    }
    assert _refused({"rooms": [{"room_name": "attic"}]}).field == "rooms.0.roomName"


def test_a_value_that_is_no_object_is_refused_at_its_own_path() -> None:
    assert _refused({"rooms": [3]}).message == "rooms.0: must be a JSON object."
    assert _refused([]).field == "body"


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (None, "null"),
        (True, "boolean"),
        (1, "number"),
        (1.5, "number"),
        ("", "string"),
        ([], "array"),
        ({}, "object"),
    ],
)
def test_json_kind_names_the_json_type(value: object, kind: str) -> None:
    assert json_kind(value) == kind


async def test_only_the_wire_names_are_read(
    client: httpx.AsyncClient, alice: dict[str, str]
) -> None:
    """`thread_id` is not `threadId`, nor `tool_call_id` `toolCallId`: Python's names for
    the fields are not the API's."""
    said = {"messages": [{"role": "user", "content": "hi"}], "thread_id": "mine"}
    new = await client.post("/api/chat", json=said, headers=alice)
    assert new.status_code == 200 and new.headers["x-hearth-thread-id"].startswith("api-")
    result = {"type": "tool-result", "tool_call_id": "c1", "result": 1}
    body = {"messages": [{"role": "user", "content": "hi"}, {"role": "tool", "content": [result]}]}
    refused = await client.post("/api/chat", json=body, headers=alice)
    assert refused.status_code == 400, refused.text
    assert refused.json()["error"]["field"] == "messages.1.content.0.toolCallId"
