"""The offline assistant reads room targets in a person's documents (through the real run:
set calls, effects in the ledger) when asked to act on the file, and says plainly that it
can't see images."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from app.assistant.events import RunEvent, TextDelta, ToolCallStarted
from app.assistant.files.message import AttachedFile
from app.assistant.files.store import DEFAULT_LIMITS, add_attachment
from app.assistant.providers.offline.documents import room_targets
from app.assistant.providers.offline.provider import OfflineProvider
from app.assistant.runner import Runner
from app.db.models import Effect
from app.db.session import SessionFactory
from app.services import build_provider
from app.settings import Settings
from tests.support.assistant import build_runner, run_events
from tests.support.files import PNG, ROOM_TARGETS_CSV
from tests.support.people import owned_thread


@pytest.fixture
def runner(sessions: SessionFactory) -> Runner:
    provider = build_provider(Settings(offline_chunk_delay_s=0), sessions)
    assert isinstance(provider, OfflineProvider)
    return build_runner(sessions, provider)


async def _ask(
    runner: Runner, sessions: SessionFactory, text: str, *files: tuple[str, bytes]
) -> list[RunEvent]:
    async with sessions() as session:
        thread = await owned_thread(session)
        owner = thread.user_id or 0
        ids = [
            (await add_attachment(session, owner, name, data, DEFAULT_LIMITS)).id or 0
            for name, data in files
        ]
    run = await runner.start_run(thread.id, text, user_id=owner, attachment_ids=ids)
    events = await run_events(run)
    assert events[-1].kind == "run_finished" and events[-1].status == "completed"
    return events


def _said(events: list[RunEvent]) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDelta))


async def _effects(sessions: SessionFactory) -> list[tuple[str, float]]:
    async with sessions() as session:
        rows = (await session.exec(select(Effect).order_by(col(Effect.id)))).all()
    return [(e.room_name, e.new_celsius) for e in rows]


async def test_set_the_rooms_as_in_this_file_sets_each_room_the_csv_lists(
    runner: Runner, sessions: SessionFactory
) -> None:
    events = await _ask(
        runner, sessions, "Set the rooms as in this file", ("targets.csv", ROOM_TARGETS_CSV)
    )
    started = [e for e in events if isinstance(e, ToolCallStarted)]
    assert [e.name for e in started] == ["set_room_temperature"] * 2
    assert await _effects(sessions) == [("kitchen", 19.5), ("bedroom", 17.0)]
    said = _said(events)
    assert "kitchen" in said and "19.5" in said and "bedroom" in said


async def test_a_question_about_the_file_changes_nothing(
    runner: Runner, sessions: SessionFactory
) -> None:
    await _ask(runner, sessions, "What is in this file?", ("targets.csv", ROOM_TARGETS_CSV))
    assert await _effects(sessions) == []


async def test_a_file_naming_an_unknown_room_asks_before_changing_anything(
    runner: Runner, sessions: SessionFactory
) -> None:
    csv = b"kitchen,19\nattic,12\n"
    events = await _ask(runner, sessions, "Set the rooms as in this file", ("t.csv", csv))
    assert await _effects(sessions) == []
    assert "attic" in _said(events)


async def test_an_image_gets_a_plain_i_cant_see_images(
    runner: Runner, sessions: SessionFactory
) -> None:
    events = await _ask(runner, sessions, "What do you see?", ("room.png", PNG))
    assert _said(events) == (
        "I can't see images: I only read text, and text documents such as a CSV of room targets."
    )


async def test_an_image_with_a_command_does_the_command_and_says_it_cant_see(
    runner: Runner, sessions: SessionFactory
) -> None:
    events = await _ask(runner, sessions, "Set the kitchen to 21", ("room.png", PNG))
    assert await _effects(sessions) == [("kitchen", 21.0)]
    assert _said(events).startswith("I can't see images:")


@pytest.mark.parametrize(
    ("text", "media_type", "targets"),
    [
        (
            "room;celsius\nKitchen;19,5\nLiving  Room;20\n",
            "text/csv",
            [("kitchen", 19.5), ("living room", 20.0)],
        ),
        (
            '{"kitchen": 18, "bedroom": "17.5 °C"}',
            "application/json",
            [("kitchen", 18.0), ("bedroom", 17.5)],
        ),
        ('[{"room": "bathroom", "celsius": 23}]', "application/json", [("bathroom", 23.0)]),
        ("no numbers here\n", "text/plain", []),
    ],
)
def test_room_targets_are_read_from_csv_and_json(
    text: str, media_type: str, targets: list[tuple[str, float]]
) -> None:
    file = AttachedFile("f", media_type, text.encode(), text)
    assert room_targets(file) == targets
