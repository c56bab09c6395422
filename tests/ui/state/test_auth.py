"""The sign-in form counts attempts by the client's address (Reflex's router.session)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from app.accounts.audit import recent_events
from app.accounts.signup import list_people
from app.accounts.users import create_user
from app.db.models import LoginAttempt
from app.db.session import SessionFactory
from app.services import get_services
from app.settings import get_settings
from app.ui.state.auth import LoginState
from tests.support.events import browsers

RIGHT = "the right one"


async def test_guesses_from_one_address_do_not_stop_the_owner_elsewhere(
    services: None, sessions: SessionFactory
) -> None:
    async with sessions() as session:
        await create_user(session, "erin", RIGHT)
    async with browsers() as tab:
        guesser, owner = tab("guesser"), tab("owner")
        for _ in range(6):
            await guesser.send(
                LoginState.sign_in({"username": "erin", "password": "guess"}),
                client_ip="203.0.113.9",
            )
        assert (await guesser.state(LoginState)).error == (
            "Too many failed sign-ins; try again in 1 minute."
        )
        await owner.send(
            LoginState.sign_in({"username": "erin", "password": RIGHT}),
            client_ip="198.51.100.7",
        )
        signed_in = await owner.state(LoginState)
        assert (signed_in.error, signed_in.session_token != "") == ("", True)
    async with sessions() as session:
        sources = [a.source for a in (await session.exec(select(LoginAttempt))).all()]
    assert sources == ["203.0.113.9"] * 5 + ["198.51.100.7"]


async def test_the_first_sign_up_is_the_admin_and_a_closed_sign_up_says_so(
    services: None, sessions: SessionFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    form = {"username": "ada", "password": RIGHT, "confirm": RIGHT}
    async with browsers() as tab:
        first, second = tab("first"), tab("second")
        await first.send(LoginState.sign_up(form), client_ip="198.51.100.7")
        await first.send(LoginState.open_form())
        signed_in = await first.state(LoginState)
        assert (signed_in.username, signed_in.is_admin) == ("ada", True)
        monkeypatch.setenv("HEARTH_SIGNUP", "closed")
        get_settings.cache_clear()
        get_services.cache_clear()
        await second.send(LoginState.open_form())
        assert (await second.state(LoginState)).signup_open is False
        await second.send(LoginState.sign_up({**form, "username": "bob"}))
        assert (await second.state(LoginState)).error.startswith("Sign-up is closed")
    async with sessions() as session:
        people = {p.username: p.role for p in await list_people(session)}
        events = await recent_events(session)
    assert people == {"ada": "admin"}
    assert [(e.kind, e.source) for e in events] == [("signup", "198.51.100.7")]
