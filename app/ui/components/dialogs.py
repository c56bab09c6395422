"""Dialogs: a confirmation before something destructive, and a small form in a dialog."""

from __future__ import annotations

from typing import Any

import reflex as rx


def _cancel(on_cancel: Any) -> rx.Component:
    return rx.button(
        "Cancel", type="button", variant="soft", color_scheme="gray", on_click=on_cancel
    )


def confirm_dialog(
    title: str, description: Any, action: str, *, open: Any, on_cancel: Any, on_confirm: Any
) -> rx.Component:
    """Ask before doing something that cannot be taken back (Cancel / a red action button)."""
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(description),
            rx.hstack(
                rx.alert_dialog.cancel(_cancel(on_cancel)),
                rx.alert_dialog.action(rx.button(action, color_scheme="red", on_click=on_confirm)),
                justify="end",
                margin_top="1em",
            ),
        ),
        open=open,
    )


def form_dialog(
    title: str,
    *fields: rx.Component,
    open: Any,
    on_cancel: Any,
    on_submit: Any,
    submit: str = "Save",
) -> rx.Component:
    """`fields` in a form (Cancel / `submit`): a refusal keeps it open with what was typed;
    Cancel, Escape or a click outside close it through `on_cancel`."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(title),
            rx.form(
                rx.vstack(
                    *fields,
                    rx.hstack(
                        _cancel(on_cancel),
                        rx.button(submit, type="submit"),
                        justify="end",
                        width="100%",
                        margin_top="0.5em",
                    ),
                    spacing="3",
                ),
                on_submit=on_submit,
                reset_on_submit=False,
            ),
        ),
        open=open,
        on_open_change=lambda _open: on_cancel,
    )
