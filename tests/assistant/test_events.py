"""Run events: each kind survives the JSON another worker reads it back from, and says what it
is; anything else is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import get_args

import pytest

from app.assistant.events import (
    ApprovalDecided,
    ApprovalRequested,
    EffectRecorded,
    RunEvent,
    RunFinished,
    RunRetrying,
    RunStarted,
    RunStatusChanged,
    StepFinished,
    SuggestionsOffered,
    TextDelta,
    ToolCallFinished,
    ToolCallStarted,
    ToolInputDelta,
    event_from_json,
    event_to_json,
)

EXPIRES = datetime(2026, 9, 1, 12, 30, tzinfo=timezone(timedelta(hours=2)))
EVERY_KIND: list[RunEvent] = [
    RunStarted(run_id=1, thread_id=2, user_id=3, user_message_id=4, assistant_message_id=5),
    RunStatusChanged(run_id=1, status="requires_action"),
    TextDelta(run_id=1, message_id=5, text="Le salon est à 21 °C ✓\n"),
    ToolInputDelta(run_id=1, call_id="call_1", name="set_room_temperature", delta='{"ro'),
    SuggestionsOffered(run_id=1, message_id=5, texts=("Set the bedroom to 19", "Où ça ?")),
    StepFinished(run_id=1, step=2, finish_reason="tool_calls", input_tokens=12, output_tokens=7),
    ToolCallStarted(run_id=1, call_row_id=6, call_id="call_1", name="list_rooms", arguments="{}"),
    ToolCallFinished(
        run_id=1, call_row_id=6, name="list_rooms", status="error", output='{"error": "x"}'
    ),
    EffectRecorded(run_id=1, effect_id=7, room="kitchen", old_celsius=22.0, new_celsius=19.5),
    ApprovalRequested(
        run_id=1,
        call_row_id=6,
        call_id="call_1",
        name="set_room_temperature",
        arguments='{"room": "kitchen", "celsius": 19}',
        expires_at=EXPIRES,
    ),
    ApprovalDecided(run_id=1, call_row_id=6, approved=False),
    RunRetrying(run_id=1, attempt=2, max_attempts=3, delay_s=1.25, reason="Busy."),
    RunFinished(run_id=1, status="failed", error="The model server failed (503, m)."),
]


@pytest.mark.parametrize("event", EVERY_KIND, ids=lambda e: e.kind)
def test_every_kind_reads_back_equal_from_its_json(event: RunEvent) -> None:
    assert event_from_json(event_to_json(event)) == event


def test_every_kind_of_event_is_covered_here() -> None:
    assert {e.kind for e in EVERY_KIND} == {cls.kind for cls in get_args(RunEvent)}


def test_the_json_is_compact_names_the_kind_and_keeps_text_as_written() -> None:
    assert event_to_json(TextDelta(run_id=1, message_id=5, text="21 °C")) == (
        '{"run_id":1,"message_id":5,"text":"21 °C","kind":"text_delta"}'
    )


def test_an_approval_keeps_its_deadline_with_its_offset() -> None:
    approval = next(e for e in EVERY_KIND if isinstance(e, ApprovalRequested))
    assert isinstance(approval, ApprovalRequested)
    read = event_from_json(event_to_json(approval))
    assert isinstance(read, ApprovalRequested)
    assert read.expires_at == EXPIRES and read.expires_at.utcoffset() == timedelta(hours=2)
    assert read.expires_at.astimezone(UTC).hour == 10


@pytest.mark.parametrize(
    "text",
    ['{"kind": "text_deltas", "run_id": 1}', '{"run_id": 1}', "[1, 2]", '"run_finished"'],
)
def test_anything_but_an_event_is_refused_quoting_it(text: str) -> None:
    with pytest.raises(ValueError, match=r"^not a run event: ") as refused:
        event_from_json(text)
    assert repr(text) in str(refused.value)


def test_a_retry_tells_the_viewer_why_when_and_which_attempt() -> None:
    retrying = RunRetrying(run_id=1, attempt=2, max_attempts=3, delay_s=1.234, reason="Busy.")
    assert retrying.notice == "Busy. Retrying in 1.2 s (attempt 2 of 3)."
