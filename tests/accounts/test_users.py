"""Accounts: sign-up rules, hashed passwords, sign-in behind throttles held by the database
under a burst, per address and per name, without letting a stranger lock the owner out."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlmodel import func, select

from app.accounts.errors import (
    InvalidCredentials,
    InvalidUsername,
    TooManyAttempts,
    UsernameTaken,
    WeakPassword,
)
from app.accounts.users import authenticate, count_admins, create_user
from app.db.models import LoginAttempt, User, utcnow
from app.db.session import SessionFactory, create_engine_async, create_session_factory
from app.db.statuses import UserRole

RIGHT = "the right one"


async def test_sign_up_stores_only_a_hash(sessions: SessionFactory) -> None:
    async with sessions() as session:
        user = await create_user(session, "  Alice ", "correct horse")
        stored = (await session.exec(select(User))).one()
    assert (user.username, stored.role) == ("alice", "user")
    assert stored.password_hash.startswith("$argon2id$")
    assert "correct horse" not in stored.password_hash


@pytest.mark.parametrize("name", ["al", "x" * 41, "with space", "-dash", "émile", ""])
async def test_bad_usernames_say_what_is_allowed(sessions: SessionFactory, name: str) -> None:
    async with sessions() as session:
        with pytest.raises(InvalidUsername, match="use 3 to 40 letters, digits, dots"):
            await create_user(session, name, "long enough")


async def test_short_passwords_are_refused_with_the_rule(sessions: SessionFactory) -> None:
    async with sessions() as session:
        with pytest.raises(WeakPassword, match="at least 8 characters; this one has 5"):
            await create_user(session, "bob", "short")


async def test_usernames_are_unique_without_case(sessions: SessionFactory) -> None:
    async with sessions() as session:
        await create_user(session, "carol", "kettle on the hob")
        with pytest.raises(UsernameTaken, match="'carol' is taken"):
            await create_user(session, "CAROL", "a second kettle")


async def test_sign_in_checks_the_password(sessions: SessionFactory) -> None:
    async with sessions() as session:
        await create_user(session, "dave", "the right one", UserRole.admin)
        assert (await authenticate(session, "Dave", "the right one")).username == "dave"
        with pytest.raises(InvalidCredentials, match=r"Wrong username or password\."):
            await authenticate(session, "dave", "the wrong one")
        with pytest.raises(InvalidCredentials, match=r"Wrong username or password\."):
            await authenticate(session, "nobody", "the right one")
        assert await count_admins(session) == 1


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("12345678", "This is a top-10 common password"),
        ("password one", "This is similar to a commonly used password"),
        ("xxxxxxxxxxxx", 'Repeats like "aaa" are easy to guess'),
        ("zoe-2024", "Add another word or two"),
    ],
)
async def test_common_and_weak_passwords_are_refused_saying_why(
    sessions: SessionFactory, password: str, why: str
) -> None:
    async with sessions() as session:
        with pytest.raises(WeakPassword, match="too easy to guess") as refused:
            await create_user(session, "zoe", password)
    assert why in str(refused.value)
    assert "A few unrelated words make a strong password" in str(refused.value)


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
