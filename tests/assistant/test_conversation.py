"""The conversation a provider sees: cut-off calls answered, old turns dropped whole."""

from __future__ import annotations

import json

from app.assistant.conversation import (
    AssistantText,
    ToolCallItem,
    ToolResultItem,
    UserText,
    fit_to_budget,
    items_from_messages,
)
from app.db.models import Message
from app.db.statuses import Role


def test_a_call_cut_off_before_its_result_gets_one() -> None:
    messages = [
        Message(thread_id=1, role=Role.user, parts=[{"type": "text", "text": "hi"}]),
        Message(
            thread_id=1,
            role=Role.assistant,
            parts=[
                {"type": "text", "text": "Let me look."},
                {
                    "type": "tool-call",
                    "tool_call_id": 1,
                    "call_id": "c1",
                    "name": "list_rooms",
                    "arguments": "{}",
                },
            ],
        ),
    ]
    items = items_from_messages(messages)
    assert items[:3] == [
        UserText("hi"),
        AssistantText("Let me look."),
        ToolCallItem("c1", "list_rooms", "{}"),
    ]
    result = items[3]
    assert isinstance(result, ToolResultItem) and result.is_error and result.call_id == "c1"
    assert "interrupted" in json.loads(result.output)["error"]


def _turn(n: int, size: int) -> list:
    return [
        UserText(f"q{n}".ljust(size)),
        ToolCallItem(f"c{n}", "list_rooms", "{}"),
        ToolResultItem(f"c{n}", "list_rooms", "{}"),
        AssistantText(f"a{n}"),
    ]


def test_oldest_turns_drop_first_and_whole() -> None:
    items = _turn(1, 100) + _turn(2, 100) + _turn(3, 100)
    kept = fit_to_budget(items, max_chars=250)
    assert kept == _turn(2, 100) + _turn(3, 100)


def test_the_current_turn_is_kept_even_past_the_budget() -> None:
    items = _turn(1, 10) + _turn(2, 5000)
    assert fit_to_budget(items, max_chars=100) == _turn(2, 5000)


def test_everything_fits_under_a_large_budget() -> None:
    items = _turn(1, 10) + _turn(2, 10)
    assert fit_to_budget(items, max_chars=10_000) == items
