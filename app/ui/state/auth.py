"""Who is signed in: the session token in the browser, checked against the database.

Every state that shows or changes someone's data inherits from AuthState and resolves the
user on the server in each event handler; nothing the browser says about itself is trusted.
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

import reflex as rx
from sqlmodel.ext.asyncio.session import AsyncSession

from app.accounts.errors import AccountError
from app.accounts.sessions import end_session, start_session, user_for_token
from app.accounts.signup import register, signup_is_open
from app.accounts.users import authenticate, has_accounts
from app.db.models import User
from app.db.statuses import UserRole
from app.services import get_services

logger = logging.getLogger(__name__)

LOGIN_ROUTE = "/login"
SIGNUP_ROUTE = "/signup"
ADMINS_ONLY = "Only admins can open the admin view."

S = TypeVar("S", bound="AuthState")
P = ParamSpec("P")
Guarded = Callable[Concatenate[S, User, P], Awaitable[Any]]
Handler = Callable[Concatenate[S, P], Awaitable[Any]]


class AuthState(rx.State):
    """The signed-in person (resolved from the opaque token on every event)."""

    # Opaque and revocable; synced so signing out in one tab signs out every tab.
    session_token: str = rx.LocalStorage("", name="hearth_session", sync=True)
    username: str = ""
    is_admin: bool = False

    async def _user(self) -> User | None:
        """The person this token belongs to now (None once it expires or is revoked)."""
        async with get_services().sessions() as session:
            user = await user_for_token(session, self.session_token)
        self.username = user.username if user else ""
        self.is_admin = bool(user and user.role == UserRole.admin)
        return user

    @staticmethod
    def _to_login():
        return rx.redirect(LOGIN_ROUTE)

    def _refuse(self, *, quietly: bool = False):
        """Not an admin: signed-out people sign in; others go home, told why unless quietly."""
        if not self.username:
            return self._to_login()
        if quietly:
            return rx.redirect("/")
        return [rx.toast.error(ADMINS_ONLY), rx.redirect("/")]

    async def _forget_search(self) -> None:
        """Clear this tab's search: its hits are those of the person who searched."""
        # Imported here: SearchState is a subclass of this one.
        from app.ui.state.search import SearchState

        (await self.get_state(SearchState)).forget()

    @rx.event
    async def sign_out(self):
        """End this session everywhere (the token stops working on every worker)."""
        if self.session_token:
            async with get_services().sessions() as session:
                await end_session(session, self.session_token)
        self.session_token, self.username, self.is_admin = "", "", False
        await self._forget_search()
        return rx.redirect(LOGIN_ROUTE)


def _guard(
    handler: Guarded[S, P], admits: Callable[[User], bool], refuse: Callable[[S], Any]
) -> Handler[S, P]:
    """Resolve the person, run `handler(self, user, ...)` if `admits` them, else `refuse`."""
    signature = inspect.signature(handler)
    if list(signature.parameters)[1:2] != ["user"]:
        raise TypeError(f"{handler.__qualname__} must take `user` right after `self`.")

    @functools.wraps(handler)
    async def guarded(self: S, *args: P.args, **kwargs: P.kwargs) -> Any:
        user = await self._user()
        if user is None or not admits(user):
            return refuse(self)
        return await handler(self, user, *args, **kwargs)

    # Reflex builds the browser's call from the signature: the browser never sends `user`.
    guarded.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[p for name, p in signature.parameters.items() if name != "user"]
    )
    guarded.__annotations__ = {k: v for k, v in handler.__annotations__.items() if k != "user"}
    return guarded


def signed_in(handler: Guarded[S, P]) -> Handler[S, P]:
    """Run the handler with the signed-in person as `user`; send anyone else to sign in."""
    return _guard(handler, lambda _user: True, lambda state: state._to_login())


def admin_only(handler: Guarded[S, P] | None = None, *, quietly: bool = False) -> Any:
    """Run the handler with the signed-in admin as `user`; refuse anyone else (`_refuse`).

    `@admin_only`, or `@admin_only(quietly=True)` for a handler the page calls by itself.
    """

    def decorate(handler: Guarded[S, P]) -> Handler[S, P]:
        return _guard(
            handler,
            lambda user: user.role == UserRole.admin,
            lambda state: state._refuse(quietly=quietly),
        )

    return decorate if handler is None else decorate(handler)


class LoginState(AuthState):
    """The sign-in and sign-up forms."""

    error: str = ""
    no_accounts: bool = False
    signup_open: bool = True

    @rx.event
    async def open_form(self):
        """`/login` and `/signup`: signed-in people go straight to their threads."""
        self.error = ""
        if await self._user() is not None:
            return rx.redirect("/")
        services = get_services()
        async with services.sessions() as session:
            self.no_accounts = not await has_accounts(session)
            self.signup_open = await signup_is_open(session, services.settings.signup == "open")
        return None

    async def _start(self, admit: Callable[[AsyncSession], Awaitable[User]]) -> User | None:
        """Start a session for the person `admit` lets in, or show why it refused."""
        try:
            async with get_services().sessions() as session:
                user = await admit(session)
                self.session_token = await start_session(session, user)
        except AccountError as exc:
            self.error = str(exc)
            return None
        self.error = ""
        await self._forget_search()
        return user

    @rx.event
    async def sign_in(self, form_data: dict):
        """Check the credentials (rate-limited) and start a session."""
        username = str(form_data.get("username", ""))
        password = str(form_data.get("password", ""))
        source = self.router.session.client_ip
        user = await self._start(
            lambda session: authenticate(session, username, password, source=source)
        )
        if user is None:
            return None
        logger.info("User %s signed in", user.id)
        return rx.redirect("/")

    @rx.event
    async def sign_up(self, form_data: dict):
        """Create an account (the admin, if it is the first) and sign it in."""
        username = str(form_data.get("username", ""))
        password = str(form_data.get("password", ""))
        if password != str(form_data.get("confirm", "")):
            self.error = "The two passwords differ; type the same password twice."
            return None
        default_open = get_services().settings.signup == "open"
        source = self.router.session.client_ip
        user = await self._start(
            lambda session: register(
                session, username, password, default_open=default_open, source=source
            )
        )
        if user is None:
            return None
        welcome = f"Welcome, {user.username}."
        if user.role == UserRole.admin:
            welcome += " As the first account, you are this Hearth's admin (see /admin)."
        return [rx.toast.success(welcome), rx.redirect("/")]
