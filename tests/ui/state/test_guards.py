"""`signed_in` and `admin_only`: who is let through, where the others are sent, and the
signature Reflex reads (the browser never sends `user`)."""

from __future__ import annotations

import inspect

import pytest
from reflex.event import Event

from app.db.models import User
from app.ui.state.admin import AdminState
from app.ui.state.auth import ADMINS_ONLY, AuthState, signed_in
from app.ui.state.chat import ChatState
from app.ui.state.tokens import TokensState
from tests.support.events import browsers
from tests.ui.state.conftest import World


def test_the_browser_sends_the_arguments_after_user() -> None:
    assert list(inspect.signature(AdminState.undo.fn).parameters) == ["self", "effect_id"]
    assert list(inspect.signature(ChatState.rate.fn).parameters) == [
        "self",
        "message_id",
        "rating",
    ]
    (event,) = Event.from_event_type(ChatState.rate(7, "up"))
    assert event.payload == {"message_id": 7, "rating": "up"}
    assert (
        AdminState.undo.fn.__name__ == "undo" and "user" not in AdminState.undo.fn.__annotations__
    )


def test_a_guarded_handler_must_take_user_first() -> None:
    async def rename(self: AuthState, title: str, user: User) -> None:
        """Wrong: `user` is not right after `self`."""

    with pytest.raises(TypeError, match="must take `user` right after `self`"):
        signed_in(rename)  # type: ignore[arg-type]


async def test_signed_out_people_are_sent_to_sign_in(world: World) -> None:
    async with browsers() as tab:
        stranger = tab("stranger")
        await stranger.sign_in_with("not a session")
        before = len(stranger.redirects())
        await stranger.send(TokensState.create({"name": "sneaky"}))
        await stranger.send(AdminState.undo(world.effect_id))
        assert stranger.redirects()[before:] == ["/login", "/login"]
        assert stranger.toasts() == []
        assert (await stranger.state(TokensState)).tokens == []


async def test_people_who_are_not_admins_are_told_once_and_sent_home(world: World) -> None:
    async with browsers() as tab:
        mallory = tab("mallory")
        await mallory.sign_in_with(world.mallory)
        before = len(mallory.redirects())
        await mallory.send(AdminState.open_admin, "/admin")
        assert mallory.redirects()[before:] == ["/"]
        assert len(mallory.toasts()) == 1 and ADMINS_ONLY in mallory.toasts()[0]
        # What the page's watcher asks for is refused without a word.
        await mallory.send(AdminState.show_changes)
        assert mallory.redirects()[before:] == ["/", "/"] and len(mallory.toasts()) == 1
