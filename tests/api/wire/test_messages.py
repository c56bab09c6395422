"""Stored messages as the clients load them: a denied call reads as the stream left it."""

from __future__ import annotations

from app.api.wire.messages import content_message, ui_message
from app.db.models import Message

ARGS = '{"room": "kitchen", "celsius": 19}'
DENIAL = '{"error": "The person denied this set_room_temperature call; nothing was changed."}'


def _reply(status: str, is_error: bool, output: str) -> Message:
    # Both parts carry every key the engine stores: the parts parser refuses one without.
    names = {"tool_call_id": 7, "call_id": "call_k", "name": "set_room_temperature"}
    call = {"type": "tool-call", **names}
    result = {"type": "tool-result", **names, "output": output}
    parts = [call | {"arguments": ARGS}, result | {"is_error": is_error, "status": status}]
    return Message(id=3, thread_id=1, role="assistant", parts=parts)


def test_a_denied_call_is_output_denied_with_its_approval() -> None:
    (tool,) = ui_message(_reply("denied", True, DENIAL))["parts"]
    assert tool == {
        "type": "tool-set_room_temperature",
        "toolCallId": "call_k",
        "state": "output-denied",
        "input": {"room": "kitchen", "celsius": 19},
        "approval": {"id": "7", "approved": False},
    }
    # assistant-ui has no denied state: the denial is the call's error result.
    (call,) = content_message(_reply("denied", True, DENIAL))["content"]
    assert call["isError"] is True and "denied" in call["result"]["error"]


def test_a_failed_call_is_output_error_and_a_done_one_output_available() -> None:
    failed = ui_message(_reply("error", True, '{"error": "No room called attic."}'))["parts"][0]
    assert (failed["state"], failed["errorText"]) == ("output-error", "No room called attic.")
    done = ui_message(_reply("done", False, '{"celsius": 19}'))["parts"][0]
    assert (done["state"], done["output"]) == ("output-available", {"celsius": 19})


def test_suggestions_load_as_the_data_part_the_stream_sent() -> None:
    texts = ["Set the bedroom to 19", "List the rooms"]
    stored = [{"type": "text", "text": "Try one."}, {"type": "suggestions", "texts": texts}]
    reply = Message(id=3, thread_id=1, role="assistant", parts=stored)
    assert ui_message(reply)["parts"][1] == {
        "type": "data-suggestions",
        "id": "suggestions-3",
        "data": {"texts": texts},
    }
    assert content_message(reply)["content"][1] == {
        "type": "data",
        "name": "suggestions",
        "data": {"texts": texts},
    }
