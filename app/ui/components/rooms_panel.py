"""The rooms panel: every room's live temperature."""

from __future__ import annotations

import reflex as rx

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
    """The home at a glance."""
    return rx.el.aside(
        rx.heading("Rooms", size="3", margin_bottom="0.5em"),
        rx.vstack(rx.foreach(RoomsState.rooms, _room), spacing="1", width="100%"),
        aria_label="Rooms",
        class_name="rooms-panel",
    )
