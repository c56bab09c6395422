"""The chat page: sidebar, transcript and composer, rooms panel; on a narrow screen a top
bar opens the sidebar as a drawer and the rooms panel as a sheet."""

from __future__ import annotations

import reflex as rx

from app.ui.components.composer import composer
from app.ui.components.messages import transcript
from app.ui.components.rooms_panel import rooms_panel
from app.ui.components.sidebar import sidebar
from app.ui.components.top_bar import escape_closes_panels, scrim, top_bar
from app.ui.state.layout import LayoutState


def _inert_while(component: rx.Component, covered: rx.Var) -> rx.Component:
    """The component takes no focus and is hidden from screen readers while a drawer or sheet
    covers it, as a page behind a dialog."""
    component.custom_attrs["inert"] = covered
    return component


def chat_page() -> rx.Component:
    """One thread, with everything around it."""
    threads, rooms = LayoutState.threads_open, LayoutState.rooms_open
    return rx.box(
        _inert_while(top_bar(), threads | rooms),
        _inert_while(sidebar(), rooms),
        _inert_while(rx.el.main(transcript(), composer(), class_name="chat-main"), threads | rooms),
        _inert_while(rooms_panel(), threads),
        scrim(),
        escape_closes_panels(),
        class_name="layout",
        data_threads_open=rx.cond(LayoutState.threads_open, "true", "false"),
        data_rooms_open=rx.cond(LayoutState.rooms_open, "true", "false"),
    )
