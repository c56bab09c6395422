"""Accounts: sign-up rules, hashed passwords, sign-in with a shared rate limit."""

from __future__ import annotations

import pytest
from sqlmodel import select

from app.accounts.errors import (
    InvalidCredentials,
    InvalidUsername,
    UsernameTaken,
    WeakPassword,
)
from app.accounts.users import authenticate, count_admins, create_user
from app.db.models import User
from app.db.session import SessionFactory
from app.db.statuses import UserRole


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
