"""Sign-up: the first account on an empty install is its admin; admins close sign-up and
create people."""

from __future__ import annotations

import asyncio

import pytest

from app.accounts.errors import AccountError, LastAdmin, SignupClosed, UsernameTaken
from app.accounts.signup import list_people, register, set_role, set_signup_open, signup_is_open
from app.accounts.users import create_user
from app.db.session import SessionFactory
from app.db.statuses import UserRole

PASSWORD = "kettle on the hob"


async def test_the_first_account_is_the_admin_and_later_ones_are_users(
    sessions: SessionFactory,
) -> None:
    async with sessions() as session:
        first = await register(session, "ada", PASSWORD, default_open=True)
        second = await register(session, "bob", PASSWORD, default_open=True)
    assert (first.role, second.role) == (UserRole.admin, UserRole.user)


async def test_sign_ups_racing_on_an_empty_install_make_one_admin(
    sessions: SessionFactory,
) -> None:
    async def sign_up(name: str) -> str:
        async with sessions() as session:
            return (await register(session, name, PASSWORD, default_open=True)).role

    roles = await asyncio.gather(*(sign_up(f"person{i}") for i in range(6)))
    assert sorted(roles) == ["admin"] + ["user"] * 5


async def test_a_refused_first_sign_up_does_not_use_up_the_admin(
    sessions: SessionFactory,
) -> None:
    async with sessions() as session:
        with pytest.raises(AccountError):
            await register(session, "ada", "12345678", default_open=True)
        assert (await register(session, "ada", PASSWORD, default_open=True)).role == "admin"
        with pytest.raises(UsernameTaken):
            await register(session, "ADA", PASSWORD, default_open=True)


async def test_admins_close_sign_up_over_the_setting(sessions: SessionFactory) -> None:
    async with sessions() as session:
        admin = await create_user(session, "root", PASSWORD, UserRole.admin)
        assert await signup_is_open(session, default_open=True)
        assert not await signup_is_open(session, default_open=False)
        with pytest.raises(SignupClosed, match="Sign-up is closed; ask an admin"):
            await register(session, "eve", PASSWORD, default_open=False)
        await set_signup_open(session, True, admin)
        assert await signup_is_open(session, default_open=False)
        await register(session, "eve", PASSWORD, default_open=False)
        await set_signup_open(session, False, admin)
        with pytest.raises(SignupClosed):
            await register(session, "fay", PASSWORD, default_open=True)


async def test_roles_change_but_the_last_admin_stays(sessions: SessionFactory) -> None:
    async with sessions() as session:
        root = await create_user(session, "root", PASSWORD, UserRole.admin)
        bob = await create_user(session, "bob", PASSWORD)
        with pytest.raises(LastAdmin, match="the only admin"):
            await set_role(session, "root", UserRole.user, root)
        await set_role(session, "bob", UserRole.admin, root)
        await set_role(session, "root", UserRole.user, bob)
        people = {p.username: p.role for p in await list_people(session)}
    assert people == {"bob": "admin", "root": "user"}


async def test_two_admins_stepping_each_other_down_at_once_leave_one(
    sessions: SessionFactory,
) -> None:
    async with sessions() as session:
        ada = await create_user(session, "ada", PASSWORD, UserRole.admin)
        bob = await create_user(session, "bob", PASSWORD, UserRole.admin)

    async def step_down(name: str, by: object) -> str:
        async with sessions() as session:
            try:
                await set_role(session, name, UserRole.user, by)  # type: ignore[arg-type]
            except LastAdmin:
                return "refused"
        return "done"

    for _ in range(5):  # the race is narrow: try it a few times
        outcomes = await asyncio.gather(step_down("ada", bob), step_down("bob", ada))
        async with sessions() as session:
            admins = [p.username for p in await list_people(session) if p.role == "admin"]
        assert len(admins) == 1 and sorted(outcomes) == ["done", "refused"], (outcomes, admins)
        async with sessions() as session:
            await set_role(session, "ada" if admins == ["bob"] else "bob", UserRole.admin, ada)
