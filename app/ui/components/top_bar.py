"""The chat page's bar on a narrow screen: Threads (the drawer), the name, Rooms (the sheet).

Hidden by the CSS on a wide screen, where both panels are always in view.
"""

from __future__ import annotations

import reflex as rx

from app.ui.state.layout import ROOMS_OPEN_ID, THREADS_OPEN_ID, LayoutState


def _expanded(flag: rx.Var) -> rx.Var:
    return rx.cond(flag, "true", "false")


def top_bar() -> rx.Component:
    """Menu button, flame and name, Rooms button."""
    return rx.el.header(
        rx.icon_button(
            rx.icon("menu", size=20),
            variant="ghost",
            size="3",
            aria_label="Threads",
            aria_expanded=_expanded(LayoutState.threads_open),
            aria_controls="threads-drawer",
            on_click=LayoutState.open_threads,
            class_name="top-bar-button",
            id=THREADS_OPEN_ID,
        ),
        rx.hstack(
            rx.icon("flame", color="var(--orange-9)", size=18),
            rx.text("Hearth", weight="bold", size="3"),
            align="center",
            spacing="1",
        ),
        rx.button(
            rx.icon("thermometer", size=16),
            "Rooms",
            variant="soft",
            size="2",
            aria_expanded=_expanded(LayoutState.rooms_open),
            aria_controls="rooms-panel",
            on_click=LayoutState.open_rooms,
            class_name="top-bar-button",
            id=ROOMS_OPEN_ID,
        ),
        class_name="top-bar",
    )


def close_button(label: str, element_id: str) -> rx.Component:
    """The ✕ at the top of a drawer or sheet (shown on narrow screens only)."""
    return rx.icon_button(
        rx.icon("x", size=18),
        variant="ghost",
        size="2",
        aria_label=label,
        on_click=LayoutState.dismiss_panels,
        class_name="panel-close",
        id=element_id,
    )


def scrim() -> rx.Component:
    """The dimmed page behind an open drawer; a tap on it closes the drawer."""
    return rx.box(class_name="scrim", on_click=LayoutState.dismiss_panels, aria_hidden="true")


def escape_closes_panels() -> rx.Component:
    """Esc closes an open drawer or sheet (and does nothing when none is open)."""
    return rx.window_event_listener(
        on_key_down=lambda key, _info: rx.cond(
            key == "Escape", LayoutState.dismiss_panels, rx.noop()
        )
    )
