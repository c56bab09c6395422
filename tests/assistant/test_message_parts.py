"""Message parts: stored as they always were, read back typed, refused with a reason."""

from __future__ import annotations

import json

import pytest

from app.assistant.message_parts import (
    EffectPart,
    TextPart,
    ToolCallPart,
    ToolResultPart,
    UnreadablePart,
    append_parts,
    dump_parts,
    message_parts,
    message_text,
    parse_parts,
)
from app.db.models import Message, ToolCallStatus

ARGS = '{"room": "kitchen", "celsius": 19}'
PARTS = [
    TextPart("Setting it."),
    ToolCallPart(4, "call_k", "set_room_temperature", ARGS),
    ToolResultPart(
        4, "call_k", "set_room_temperature", '{"celsius": 19}', False, ToolCallStatus.done
    ),
    EffectPart(9, "kitchen", 22.0, 19.0),
    TextPart(" Done."),
]
# What the engine wrote for the same reply before parts were typed.
STORED = [
    {"type": "text", "text": "Setting it."},
    {
        "type": "tool-call",
        "tool_call_id": 4,
        "call_id": "call_k",
        "name": "set_room_temperature",
        "arguments": ARGS,
    },
    {
        "type": "tool-result",
        "tool_call_id": 4,
        "call_id": "call_k",
        "name": "set_room_temperature",
        "output": '{"celsius": 19}',
        "is_error": False,
        "status": "done",
    },
    {"type": "effect", "effect_id": 9, "room": "kitchen", "old_celsius": 22.0, "new_celsius": 19.0},
    {"type": "text", "text": " Done."},
]


def test_parts_are_stored_in_the_shape_they_always_had() -> None:
    assert dump_parts(PARTS) == STORED
    # Key order too: the stored JSON text itself is unchanged.
    assert json.dumps(dump_parts(PARTS)) == json.dumps(STORED)


def test_what_is_stored_reads_back_as_the_same_parts() -> None:
    assert parse_parts(STORED) == PARTS
    assert parse_parts(json.loads(json.dumps(dump_parts(PARTS)))) == PARTS


def test_a_result_stored_without_a_status_ended_by_its_error() -> None:
    # Client tools' results, and every result stored before results said how their call ended.
    base = {"type": "tool-result", "tool_call_id": 1, "call_id": "c", "name": "x", "output": "{}"}
    done, failed = parse_parts([base | {"is_error": False}, base | {"is_error": True}])
    assert isinstance(done, ToolResultPart) and done.status == ToolCallStatus.done
    assert isinstance(failed, ToolResultPart) and failed.status == ToolCallStatus.error
    (denied,) = parse_parts([base | {"is_error": True, "status": "denied"}])
    assert isinstance(denied, ToolResultPart) and denied.status == ToolCallStatus.denied


def test_whole_degrees_stored_as_integers_read_as_floats() -> None:
    stored = {
        "type": "effect",
        "effect_id": 1,
        "room": "hall",
        "old_celsius": 20,
        "new_celsius": 21,
    }
    (effect,) = parse_parts([stored])
    assert effect == EffectPart(1, "hall", 20.0, 21.0)


def test_a_part_of_a_type_from_a_newer_version_is_skipped() -> None:
    stored = [{"type": "attachment", "name": "plan.png"}, {"type": "text", "text": "hi"}]
    assert parse_parts(stored) == [TextPart("hi")]


@pytest.mark.parametrize(
    ("stored", "problem"),
    [
        ({"type": "text"}, "KeyError: 'text'"),
        ({"type": "text", "text": None}, "text is None, not str"),
        (STORED[1] | {"tool_call_id": "4"}, "tool_call_id is '4', not int"),
        (STORED[2] | {"is_error": 0}, "is_error is 0, not bool"),
        (STORED[2] | {"status": "maybe"}, "'maybe' is not a valid ToolCallStatus"),
        (STORED[3] | {"old_celsius": True}, "old_celsius is True, not int or float"),
    ],
)
def test_a_broken_part_is_refused_with_what_is_wrong(stored: dict, problem: str) -> None:
    with pytest.raises(UnreadablePart, match="Message part 1") as caught:
        parse_parts([STORED[0], stored])
    assert problem in str(caught.value)


def test_appending_keeps_what_is_stored_and_assigns_a_new_list() -> None:
    message = Message(thread_id=1, role="assistant", parts=STORED[:2])
    before = message.parts
    append_parts(message, [PARTS[2]])
    assert message.parts is not before and message.parts == STORED[:3]
    assert message_parts(message) == PARTS[:3]


def test_message_text_joins_the_text_parts_and_reads_no_other() -> None:
    assert message_text(STORED) == "Setting it. Done."
    assert message_text([STORED[0], {"type": "tool-call"}]) == "Setting it."
    assert message_text([]) == ""
    assert parse_parts(STORED, only=(EffectPart, ToolCallPart)) == PARTS[1:4:2]
