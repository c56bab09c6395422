"""The rooms panel: every room's live temperature."""

from __future__ import annotations

import reflex as rx

from app.ui.components.top_bar import close_button
from app.ui.state.layout import ROOMS_CLOSE_ID
from app.ui.state.rooms import RoomRow, RoomsState


def _room(room: RoomRow) -> rx.Component:
    return rx.hstack(
        rx.text(room.name, size="2", class_name="room-name"),
        rx.spacer(),
        rx.text(room.celsius + " °C", size="2", weight="bold", class_name="room-celsius"),
        class_name=rx.cond(room.changed, "room-row changed", "room-row"),
        data_room=room.name,
        width="100%",
    )


def rooms_panel() -> rx.Component:
    """The home at a glance (a sheet from the right on a narrow screen)."""
    return rx.el.aside(
        rx.hstack(
            rx.heading("Rooms", size="3"),
            rx.spacer(),
            close_button("Close rooms", ROOMS_CLOSE_ID),
            align="center",
            margin_bottom="0.5em",
            width="100%",
        ),
        rx.vstack(rx.foreach(RoomsState.rooms, _room), spacing="1", width="100%"),
        aria_label="Rooms",
        class_name="rooms-panel",
        id="rooms-panel",
    )
