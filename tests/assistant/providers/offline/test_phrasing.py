"""The phrasing suite: how people really talk to the offline assistant, each case driven
through the real run path (engine, tools, SQLite) and judged by the tool calls of its last
turn and the temperatures of every room afterwards, not only by the words.

Cases live in phrasing_cases.yaml (English) and phrasing_cases_de.yaml (German, with the
seeded rooms renamed as a German household names them: rooms are the household's data).
`python -m pytest tests/assistant/providers/offline/test_phrasing.py` ends with the pass
rate per language and category (conftest.py); an expected failure counts as a failure there.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlmodel import select

from app.assistant.events import TextDelta, ToolCallStarted
from app.assistant.providers.offline.provider import OfflineProvider
from app.assistant.runner import Runner
from app.db.models import Effect, Room
from app.db.session import SessionFactory
from app.home.rooms import rename_room
from app.services import build_provider
from app.settings import Settings
from tests.support.assistant import ask, build_runner, new_thread

CASES_FILES = {
    "en": Path(__file__).with_name("phrasing_cases.yaml"),
    "de": Path(__file__).with_name("phrasing_cases_de.yaml"),
}
CATEGORIES = ("question", "command", "follow-up", "clarification", "other")
SEEDED = {
    "bathroom": 23.0,
    "bedroom": 20.0,
    "home office": 21.0,
    "kitchen": 22.0,
    "living room": 21.0,
}
# What a German household renames the seeded rooms to.
RENAMED = {
    "en": {},
    "de": {
        "bathroom": "badezimmer",
        "bedroom": "schlafzimmer",
        "home office": "arbeitszimmer",
        "kitchen": "küche",
        "living room": "wohnzimmer",
    },
}
CHANGES = {"set_room_temperature"}


def load_cases(language: str) -> list[dict[str, Any]]:
    """The cases of one language, each checked for the fields the test reads."""
    cases = yaml.safe_load(CASES_FILES[language].read_text(encoding="utf-8"))
    for case in cases:
        assert case["category"] in CATEGORIES, case
        assert set(case) <= {"say", "category", "calls", "temps", "reply", "xfail"}, case
    return cases


def seeded(language: str) -> dict[str, float]:
    """The home's rooms and temperatures before a case, named in the language."""
    names = RENAMED[language]
    return {names.get(room, room): celsius for room, celsius in SEEDED.items()}


def _params() -> list[Any]:
    params = []
    for language in CASES_FILES:
        # English cases keep their ids from before there was a second language.
        prefix = "" if language == "en" else f"{language}-"
        for number, case in enumerate(load_cases(language), start=1):
            turns = case["say"] if isinstance(case["say"], list) else [case["say"]]
            marks = [pytest.mark.phrasing(language, case["category"])]
            if "xfail" in case:
                marks.append(pytest.mark.xfail(strict=True, reason=case["xfail"]))
            case_id = f"{prefix}{number:03}-{' | '.join(turns)}"
            params.append(pytest.param(language, case, turns, marks=marks, id=case_id))
    return params


async def _runner(sessions: SessionFactory, language: str) -> Runner:
    """The app's offline assistant in `language`, over rooms renamed as its household would."""
    async with sessions() as session:
        for room, name in RENAMED[language].items():
            await rename_room(session, room, name)
    settings = Settings(offline_chunk_delay_s=0, language=language)
    provider = build_provider(settings, sessions)
    assert isinstance(provider, OfflineProvider)
    # The engine reads questions in the same language (the hold on a question's change); a
    # change held for approval by mistake fails the case in seconds, not after five minutes.
    return build_runner(sessions, provider, language=language, approval_timeout_s=2)


async def _temperatures(sessions: SessionFactory) -> dict[str, float]:
    async with sessions() as session:
        return {room.name: room.celsius for room in (await session.exec(select(Room))).all()}


@pytest.mark.parametrize(("language", "case", "turns"), _params())
async def test_phrasing(
    language: str, case: dict[str, Any], turns: list[str], sessions: SessionFactory
) -> None:
    runner = await _runner(sessions, language)
    thread_id = await new_thread(sessions)
    for text in turns[:-1]:
        await ask(runner, thread_id, text)
    before = await _temperatures(sessions)
    async with sessions() as session:
        effects_before = len((await session.exec(select(Effect))).all())
    events = await ask(runner, thread_id, turns[-1])
    assert events[-1].kind == "run_finished" and events[-1].status == "completed"
    reply = "".join(e.text for e in events if isinstance(e, TextDelta))
    calls = [[e.name, json.loads(e.arguments)] for e in events if isinstance(e, ToolCallStarted)]
    expected_calls = [[name, arguments or {}] for name, arguments in case.get("calls") or []]
    assert calls == expected_calls, f"reply: {reply!r}"
    assert await _temperatures(sessions) == {**seeded(language), **(case.get("temps") or {})}, reply
    if case["category"] == "question":
        # A question changes nothing: no change asked for, no effect written.
        assert not [c for c in calls if c[0] in CHANGES]
        assert await _temperatures(sessions) == before
        async with sessions() as session:
            assert len((await session.exec(select(Effect))).all()) == effects_before
    if "reply" in case:
        assert case["reply"].casefold() in reply.casefold(), reply
