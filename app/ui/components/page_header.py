"""The header of a page beside the chat (admin, API tokens): its title, the way back, who."""

from __future__ import annotations

import reflex as rx


def page_header(title: str, username: rx.Var, *extra: rx.Component) -> rx.Component:
    """Flame, title, "Back to chat", the signed-in name, then `extra` (e.g. Sign out)."""
    return rx.hstack(
        rx.icon("flame", color="var(--orange-9)"),
        rx.heading(title, size="5", as_="h1"),
        rx.spacer(),
        rx.link("Back to chat", href="/"),
        rx.text(username, size="2", color_scheme="gray"),
        *extra,
        align="center",
        width="100%",
        # On a phone the name and buttons go to a second line rather than past the edge.
        class_name="page-header",
    )
