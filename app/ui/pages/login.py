"""Sign in and sign up: one card each, with the reason shown when something is refused."""

from __future__ import annotations

import reflex as rx

from app.accounts.users import MIN_PASSWORD_CHARS
from app.ui.components.fields import field
from app.ui.state.auth import LOGIN_ROUTE, SIGNUP_ROUTE, LoginState


def _field(label: str, name: str, kind: str = "text", hint: str = "") -> rx.Component:
    control = rx.input(
        id=name,
        name=name,
        type=kind,
        required=True,
        auto_complete={
            "username": "username",
            "password": "current-password" if not hint else "new-password",
            "confirm": "new-password",
        }[name],
        width="100%",
    )
    return field(label, control, html_for=name, hint=hint, width="100%")


def _error() -> rx.Component:
    return rx.cond(
        LoginState.error != "",
        rx.callout(LoginState.error, icon="triangle-alert", color_scheme="red", role="alert"),
    )


def _card(title: str, *children: rx.Component) -> rx.Component:
    return rx.center(
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.icon("flame", color="var(--orange-9)"),
                    rx.heading("Hearth", size="5"),
                    align="center",
                ),
                rx.heading(title, size="4", as_="h1"),
                *children,
                spacing="4",
                width="100%",
            ),
            class_name="auth-card",
        ),
        class_name="auth-page",
    )


def login_page() -> rx.Component:
    """`/login`."""
    return _card(
        "Sign in",
        rx.cond(
            LoginState.no_accounts,
            rx.callout(
                "No accounts yet. The first account created with Sign up is this Hearth's admin.",
                icon="info",
            ),
        ),
        _error(),
        rx.form(
            rx.vstack(
                _field("Username", "username"),
                _field("Password", "password", "password"),
                rx.button("Sign in", type="submit", width="100%"),
                spacing="3",
            ),
            on_submit=LoginState.sign_in,
            reset_on_submit=False,
        ),
        rx.cond(
            LoginState.signup_open,
            rx.text("New here? ", rx.link("Create an account", href=SIGNUP_ROUTE), size="2"),
            rx.text("New here? Ask an admin of this Hearth for an account.", size="2"),
        ),
    )


def signup_page() -> rx.Component:
    """`/signup`."""
    closed = rx.callout(
        "Sign-up is closed; ask an admin of this Hearth to create your account.",
        icon="lock",
        role="status",
    )
    return _card(
        "Create an account",
        rx.cond(
            LoginState.no_accounts & LoginState.signup_open,
            rx.callout("The first account is this Hearth's admin.", icon="info"),
        ),
        _error(),
        rx.cond(~LoginState.signup_open, closed),
        rx.form(
            rx.vstack(
                _field(
                    "Username",
                    "username",
                    hint="3 to 40 letters, digits, dots, dashes or underscores.",
                ),
                _field(
                    "Password",
                    "password",
                    "password",
                    hint=f"At least {MIN_PASSWORD_CHARS} characters, hard to guess: a few "
                    "unrelated words work well.",
                ),
                _field("Repeat the password", "confirm", "password"),
                rx.button("Sign up", type="submit", width="100%"),
                spacing="3",
            ),
            on_submit=LoginState.sign_up,
            reset_on_submit=False,
            display=rx.cond(LoginState.signup_open, "block", "none"),
        ),
        rx.text("Have an account? ", rx.link("Sign in", href=LOGIN_ROUTE), size="2"),
    )
