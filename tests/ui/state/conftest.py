"""Event-level tests: the app's services on the test's database, and a world with two people."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import pytest
from sqlmodel import select

import app.app  # noqa: F401  (registers every state and page route)
from app.accounts.sessions import start_session
from app.db.models import Effect, Message, User
from app.db.session import SessionFactory
from app.db.statuses import Role, UserRole
from app.services import get_services
from app.settings import get_settings
from tests.fakes.scripted_provider import ScriptedProvider, text_turn, tool_turn
from tests.support.assistant import build_runner, run_in
from tests.support.people import owned_thread, person, waiting_for_approval


@pytest.fixture
def services(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The app's services (what every handler uses) on this test's database."""
    monkeypatch.setenv("HEARTH_DATABASE_URL", database_url)
    get_settings.cache_clear()
    get_services.cache_clear()
    yield
    get_services.cache_clear()
    get_settings.cache_clear()


@dataclass
class World:
    """Alice's thread with a finished run (a reply, an effect) and a run waiting for her."""

    alice: str  # session tokens
    mallory: str
    admin: str
    thread_id: int
    reply_id: int
    effect_id: int
    waiting_run_id: int
    waiting_call_id: int


async def _token(sessions: SessionFactory, username: str, role: UserRole) -> str:
    async with sessions() as session:
        user = await session.get(User, await person(session, username, role))
        assert user is not None
        return await start_session(session, user)


@pytest.fixture
async def world(services: None, sessions: SessionFactory) -> AsyncIterator[World]:
    async with sessions() as session:
        thread = await owned_thread(session, "alice's thread")
        thread_id = thread.id or 0
    provider = ScriptedProvider(
        [
            tool_turn(("c1", "set_room_temperature", '{"room": "kitchen", "celsius": 19}')),
            text_turn("Done."),
        ]
    )
    runner = build_runner(sessions, provider)
    events = [e async for e in run_in(runner, thread_id, "kitchen to 19")]
    assert events[-1].status == "completed"
    async with sessions() as session:
        effect = (await session.exec(select(Effect))).one()
        reply = await session.get(Message, events[0].assistant_message_id)
        assert reply is not None and reply.role == Role.assistant
        run, call = await waiting_for_approval(
            session,
            thread_id,
            thread.user_id or 0,
            "and the bedroom",
            "c2",
            '{"room": "bedroom", "celsius": 18}',
        )
    yield World(
        alice=await _token(sessions, "owner", UserRole.user),
        mallory=await _token(sessions, "mallory", UserRole.user),
        admin=await _token(sessions, "root", UserRole.admin),
        thread_id=thread_id,
        reply_id=reply.id or 0,
        effect_id=effect.id or 0,
        waiting_run_id=run.id or 0,
        waiting_call_id=call.id or 0,
    )
    await get_services().sessions.kw["bind"].dispose()
