"""The recorder that persists a run as it goes: statuses, text, and its one ending."""

from __future__ import annotations

import pytest
from sqlmodel import select

from app.assistant.recorder import RunRecorder
from app.assistant.runs import request_stop, run_status
from app.db.models import Message, ToolCall
from app.db.session import SessionFactory
from app.db.statuses import RunStatus
from tests.assistant.test_runs import _run
from tests.support.people import person


async def test_a_status_change_never_overwrites_a_recorded_stop(sessions: SessionFactory) -> None:
    run_id, message_id = await _run(sessions)
    recorder = RunRecorder(sessions, run_id, thread_id=0, message_id=message_id)
    async with sessions() as session:
        assert await request_stop(session, run_id, await person(session))
    await recorder.set_status(RunStatus.in_progress)
    await recorder.checkpoint(status=RunStatus.requires_action)
    async with sessions() as session:
        assert await run_status(session, run_id) == "cancelling"
    await recorder.finish(RunStatus.cancelled)
    async with sessions() as session:
        assert await run_status(session, run_id) == "cancelled"


@pytest.mark.parametrize(
    ("status", "text", "message_status"),
    [
        ("completed", "All done.", "complete"),
        ("failed", "", "failed"),
        ("failed", "Half a ", "incomplete"),
        ("cancelled", "", "incomplete"),
    ],
)
async def test_the_end_marks_the_message_and_every_unfinished_call(
    sessions: SessionFactory, status: str, text: str, message_status: str
) -> None:
    run_id, message_id = await _run(sessions)
    recorder = RunRecorder(sessions, run_id, thread_id=0, message_id=message_id)
    if text:
        recorder.append_text(text, 0.0)
    await recorder.finish(RunStatus(status), "why" if status == "failed" else None)
    async with sessions() as session:
        message = await session.get(Message, message_id)
        call = (await session.exec(select(ToolCall))).one()
        assert await run_status(session, run_id) == status
    assert message is not None and message.status == message_status
    assert message.parts == ([{"type": "text", "text": text}] if text else [])
    assert call.status == "cancelled"
