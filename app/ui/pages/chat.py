"""The chat page: sidebar, transcript and composer, rooms panel."""

from __future__ import annotations

import reflex as rx

from app.ui.components.composer import composer
from app.ui.components.messages import transcript
from app.ui.components.rooms_panel import rooms_panel
from app.ui.components.sidebar import sidebar


def chat_page() -> rx.Component:
    """One thread, with everything around it."""
    return rx.box(
        sidebar(),
        rx.el.main(transcript(), composer(), class_name="chat-main"),
        rooms_panel(),
        class_name="layout",
    )
