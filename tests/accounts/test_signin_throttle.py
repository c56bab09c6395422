"""Sign-in throttles: held by the database under a burst, per address and per name, without
letting a stranger lock the owner out."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlmodel import func, select

from app.accounts.errors import InvalidCredentials, TooManyAttempts
from app.accounts.users import authenticate, create_user
from app.db.models import LoginAttempt, utcnow
from app.db.session import SessionFactory, create_engine_async, create_session_factory
from app.db.statuses import UserRole

RIGHT = "the right one"


async def _checked(sessions: SessionFactory) -> int:
    async with sessions() as session:
        return int((await session.exec(select(func.count()).select_from(LoginAttempt))).one())


async def test_a_burst_of_30_is_checked_only_up_to_the_limit(
    sessions: SessionFactory, database_url: str
) -> None:
    """30 attempts at once, over two engines (two workers' pools): 5 checked, 25 refused."""
    async with sessions() as session:
        await create_user(session, "erin", RIGHT, UserRole.user)
    other_engine = create_engine_async(database_url)
    factories = [sessions, create_session_factory(other_engine)]

    async def attempt(index: int) -> str:
        async with factories[index % 2]() as session:
            try:
                await authenticate(session, "erin", RIGHT if index == 29 else f"guess {index}")
            except InvalidCredentials:
                return "wrong"
            except TooManyAttempts:
                return "refused"
            return "signed in"

    try:
        outcomes = await asyncio.gather(*(attempt(i) for i in range(30)))
    finally:
        await other_engine.dispose()
    assert outcomes.count("refused") == 25, outcomes
    assert await _checked(sessions) == 5


async def _try(sessions: SessionFactory, name: str, password: str, source: str, now) -> str:
    async with sessions() as session:
        try:
            await authenticate(session, name, password, source=source, now=now)
        except InvalidCredentials:
            return "wrong"
        except TooManyAttempts as exc:
            return f"wait {exc.retry_after_s}"
        return "signed in"


async def test_waits_grow_after_the_free_attempts_and_a_success_clears_them(
    sessions: SessionFactory,
) -> None:
    async with sessions() as session:
        await create_user(session, "erin", RIGHT)
    start, here = utcnow(), "203.0.113.9"
    tries = [await _try(sessions, "erin", "guess", here, start) for _ in range(6)]
    assert tries == ["wrong"] * 5 + ["wait 60"]
    later = start + timedelta(seconds=61)
    assert await _try(sessions, "erin", "guess", here, later) == "wrong"
    assert await _try(sessions, "erin", RIGHT, here, later) == "wait 120"
    later += timedelta(seconds=121)
    assert await _try(sessions, "erin", RIGHT, here, later) == "signed in"
    # The success gave this address its five tries back.
    tries = [await _try(sessions, "erin", "guess", here, later) for _ in range(6)]
    assert tries == ["wrong"] * 5 + ["wait 60"]


async def test_a_stranger_cannot_lock_the_owner_out_of_an_address_they_used(
    sessions: SessionFactory,
) -> None:
    async with sessions() as session:
        await create_user(session, "erin", RIGHT)
    now, home = utcnow(), "198.51.100.7"
    assert await _try(sessions, "erin", RIGHT, home, now) == "signed in"
    # Guesses from three other addresses: each is stopped after five, and then the name is
    # throttled for every address it never signed in from.
    for attacker in ("203.0.113.1", "203.0.113.2", "203.0.113.3"):
        tries = [await _try(sessions, "erin", "guess", attacker, now) for _ in range(6)]
        assert tries[5].startswith("wait"), (attacker, tries)
    assert (await _try(sessions, "erin", RIGHT, "192.0.2.44", now)).startswith("wait")
    assert await _try(sessions, "erin", RIGHT, home, now) == "signed in"


async def test_guesses_spread_over_many_names_are_slowed(sessions: SessionFactory) -> None:
    now, here = utcnow(), "203.0.113.9"
    tries = [await _try(sessions, f"name{i}", "password", here, now) for i in range(21)]
    assert tries == ["wrong"] * 20 + ["wait 60"]
    assert await _try(sessions, "someone-else", "password", "203.0.113.10", now) == "wrong"
