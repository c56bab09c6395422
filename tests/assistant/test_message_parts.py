"""Message parts: stored as they always were, read back typed, refused with a reason."""

from __future__ import annotations

import json

import pytest

from app.api.wire.messages import content_message, ui_message
from app.assistant.conversation import (
    AssistantText,
    ToolCallItem,
    ToolResultItem,
    UserText,
    items_from_messages,
)
from app.assistant.message_parts import (
    AttachmentPart,
    EffectPart,
    SuggestionsPart,
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
from app.assistant.threads import list_messages
from app.db.models import Effect, Message, Run, ToolCall
from app.db.session import SessionFactory
from app.db.statuses import RunStatus, ToolCallStatus
from app.ui.transcript import load_transcript
from tests.support.people import owned_thread

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


def test_suggestions_are_stored_as_a_list_of_texts_and_read_back_as_a_tuple() -> None:
    part = SuggestionsPart(("Set the bedroom to 19", "List the rooms"))
    stored = {"type": "suggestions", "texts": ["Set the bedroom to 19", "List the rooms"]}
    assert dump_parts([PARTS[0], part]) == [STORED[0], stored]
    assert parse_parts(json.loads(json.dumps([STORED[0], stored]))) == [PARTS[0], part]
    assert message_text([STORED[0], stored]) == "Setting it."


def test_a_part_of_a_type_from_a_newer_version_is_skipped() -> None:
    stored = [{"type": "voice-note", "seconds": 12}, {"type": "text", "text": "hi"}]
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
        ({"type": "suggestions", "texts": "List the rooms"}, "texts is 'List the rooms', not list"),
        ({"type": "suggestions", "texts": ["List the rooms", 7]}, "texts holds 7, not only str"),
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


ATTIC = '{"room": "attic", "celsius": 18}'
HALL = '{"room": "hall", "celsius": 30}'
DENIAL = '{"error": "The person denied this set_room_temperature call; nothing was changed."}'
_TOOLS = {"where": "get_location"}


def _text(text: str) -> dict:
    return {"type": "text", "text": text}


def _call(call_row_id: int | None, name: str) -> dict:
    arguments = {"kitchen": ARGS, "attic": ATTIC, "hall": HALL}.get(name, "{}")
    return {
        "type": "tool-call",
        "tool_call_id": call_row_id,
        "call_id": f"call_{name}",
        "name": _TOOLS.get(name, "set_room_temperature"),
        "arguments": arguments,
    }


def _result(call_row_id: int | None, name: str, output: str, is_error: bool) -> dict:
    return {
        "type": "tool-result",
        "tool_call_id": call_row_id,
        "call_id": f"call_{name}",
        "name": _TOOLS.get(name, "set_room_temperature"),
        "output": output,
        "is_error": is_error,
    }


async def _thread_stored_by_the_previous_schema(sessions: SessionFactory) -> int:
    """A thread written the way Hearth wrote parts before they were typed: raw objects, the
    engine's results without `status` (as before they carried one), a denied call's with it,
    and a client tool's result without it (as client tools stored them)."""
    async with sessions() as session:
        thread = await owned_thread(session)
        thread_id = thread.id or 0
        run = Run(thread_id=thread_id, status=RunStatus.completed)
        session.add(run)
        await session.flush()
        asked = "set the kitchen to 19, the attic to 18, the hall to 30; where am I?"
        session.add(Message(thread_id=thread_id, run_id=run.id, role="user", parts=[_text(asked)]))
        reply = Message(thread_id=thread_id, run_id=run.id, role="assistant", parts=[])
        session.add(reply)
        await session.flush()
        calls = {
            name: ToolCall(
                run_id=run.id or 0,
                message_id=reply.id or 0,
                call_id=f"call_{name}",
                name=tool,
                arguments=arguments,
                status=status,
            )
            for name, tool, arguments, status in [
                ("kitchen", "set_room_temperature", ARGS, ToolCallStatus.done),
                ("attic", "set_room_temperature", ATTIC, ToolCallStatus.error),
                ("hall", "set_room_temperature", HALL, ToolCallStatus.denied),
                ("where", "get_location", "{}", ToolCallStatus.done),
            ]
        }
        session.add_all(calls.values())
        await session.flush()
        effect = Effect(
            room_name="kitchen",
            old_celsius=22.0,
            new_celsius=19.0,
            thread_id=thread_id,
            run_id=run.id,
            call_row_id=calls["kitchen"].id,
        )
        session.add(effect)
        await session.flush()
        ids = {name: call.id for name, call in calls.items()}
        reply.parts = [
            _text("Setting it."),
            *[_call(ids[name], name) for name in ("kitchen", "attic", "hall", "where")],
            _result(ids["kitchen"], "kitchen", '{"celsius": 19}', False),
            {
                "type": "effect",
                "effect_id": effect.id,
                "room": "kitchen",
                "old_celsius": 22.0,
                "new_celsius": 19.0,
            },
            _result(ids["attic"], "attic", '{"error": "No room called attic."}', True),
            _result(ids["hall"], "hall", DENIAL, True) | {"status": "denied"},
            _result(ids["where"], "where", '{"room": "kitchen"}', False),
            _text(" Done: you are in the kitchen."),
        ]
        await session.commit()
    return thread_id


async def test_rows_stored_by_the_previous_schema_read_everywhere(
    sessions: SessionFactory,
) -> None:
    thread_id = await _thread_stored_by_the_previous_schema(sessions)
    async with sessions() as session:
        messages = await list_messages(session, thread_id)
        page = await load_transcript(session, thread_id)
    user, reply = messages

    # What the model reads.
    items = items_from_messages(messages)
    assert items == [
        UserText("set the kitchen to 19, the attic to 18, the hall to 30; where am I?"),
        AssistantText("Setting it."),
        ToolCallItem("call_kitchen", "set_room_temperature", ARGS),
        ToolCallItem("call_attic", "set_room_temperature", ATTIC),
        ToolCallItem("call_hall", "set_room_temperature", HALL),
        ToolCallItem("call_where", "get_location", "{}"),
        ToolResultItem("call_kitchen", "set_room_temperature", '{"celsius": 19}'),
        ToolResultItem(
            "call_attic", "set_room_temperature", '{"error": "No room called attic."}', True
        ),
        ToolResultItem("call_hall", "set_room_temperature", DENIAL, True),
        ToolResultItem("call_where", "get_location", '{"room": "kitchen"}'),
        AssistantText(" Done: you are in the kitchen."),
    ]
    assert message_text(user.parts) == items[0].text

    # What people read: cards from the rows the parts name.
    said, answer = page.messages
    assert [p.text for p in said.parts] == [items[0].text]
    assert [(p.kind, p.tool_name or p.text, p.tool_status) for p in answer.parts] == [
        ("text", "Setting it.", ""),
        ("tool", "set_room_temperature", "done"),
        ("tool", "set_room_temperature", "error"),
        ("tool", "set_room_temperature", "denied"),
        ("tool", "get_location", "done"),
        ("effect", "Temperature in kitchen changed from 22 to 19", ""),
        ("text", " Done: you are in the kitchen.", ""),
    ]

    # What API clients load: each result on its call, in the state the live stream left it.
    ui = ui_message(reply)["parts"]
    assert [(p["type"], p.get("state")) for p in ui] == [
        ("text", None),
        ("tool-set_room_temperature", "output-available"),
        ("tool-set_room_temperature", "output-error"),
        ("tool-set_room_temperature", "output-denied"),
        ("tool-get_location", "output-available"),
        ("data-effect", None),
        ("text", None),
    ]
    assert ui[2]["errorText"] == "No room called attic."
    assert ui[3]["approval"] == {"id": str(answer.parts[3].call_row_id), "approved": False}
    assert ui[4]["output"] == {"room": "kitchen"}
    assert ui[5]["data"] == {
        "effect_id": answer.parts[5].effect_id,
        "room": "kitchen",
        "old_celsius": 22.0,
        "new_celsius": 19.0,
    }
    content = content_message(reply)["content"]
    assert [(c["type"], c.get("isError")) for c in content] == [
        ("text", None),
        ("tool-call", False),
        ("tool-call", True),
        ("tool-call", True),
        ("tool-call", False),
        ("data", None),
        ("text", None),
    ]
    assert content[4]["result"] == {"room": "kitchen"}
    assert ui_message(user)["parts"] == [{"type": "text", "text": items[0].text}]


def test_an_attachment_part_names_its_row_and_reads_back() -> None:
    part = AttachmentPart(7, "targets.csv", "text/csv", 38)
    stored = {
        "type": "attachment",
        "attachment_id": 7,
        "name": "targets.csv",
        "media_type": "text/csv",
        "size_bytes": 38,
    }
    assert dump_parts([part]) == [stored]
    assert parse_parts([stored]) == [part]
