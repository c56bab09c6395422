"""A confirmation dialog for destructive actions (Cancel / a red action button)."""

from __future__ import annotations

import reflex as rx


def confirm_dialog(
    title: str, description, action: str, *, open, on_cancel, on_confirm
) -> rx.Component:
    """Ask before doing something that cannot be taken back."""
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(description),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button("Cancel", variant="soft", color_scheme="gray", on_click=on_cancel)
                ),
                rx.alert_dialog.action(rx.button(action, color_scheme="red", on_click=on_confirm)),
                justify="end",
                margin_top="1em",
            ),
        ),
        open=open,
    )
