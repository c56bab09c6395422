"""The admin's Rooms tab: every room with Edit and Remove, and a form to add one."""

from __future__ import annotations

from typing import Any

import reflex as rx

from app.ui.admin_rows import BoardRoom
from app.ui.components.dialogs import confirm_dialog, form_dialog
from app.ui.components.tables import data_table
from app.ui.state.admin import AdminState
from app.ui.state.admin_manage import RoomsAdminState


def _number(name: str, label: str, value: Any = None) -> rx.Component:
    return rx.input(
        name=name,
        type="number",
        step="0.5",
        placeholder=label,
        aria_label=label,
        default_value=value,
        width="7em",
    )


def _room_row(room: BoardRoom) -> rx.Component:
    return rx.table.row(
        rx.table.cell(room.name),
        rx.table.cell(room.celsius + " °C"),
        rx.table.cell(room.bounds),
        rx.table.cell(
            rx.hstack(
                rx.button(
                    "Edit",
                    size="1",
                    variant="soft",
                    on_click=RoomsAdminState.start_edit(room.name),
                    aria_label="Edit " + room.name,
                ),
                rx.button(
                    "Remove",
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    on_click=RoomsAdminState.start_remove(room.name),
                    aria_label="Remove " + room.name,
                ),
                spacing="2",
            )
        ),
    )


def _bounds_of_the_room_edited(room: BoardRoom) -> rx.Component:
    return rx.cond(
        room.name == RoomsAdminState.editing,
        rx.hstack(
            _number("min_celsius", "Lowest °C", room.min_celsius.to_string()),
            _number("max_celsius", "Highest °C", room.max_celsius.to_string()),
        ),
    )


def _edit_dialog() -> rx.Component:
    return form_dialog(
        "Edit room",
        rx.input(name="name", default_value=RoomsAdminState.editing, aria_label="Room name"),
        rx.foreach(AdminState.board, _bounds_of_the_room_edited),
        open=RoomsAdminState.editing != "",
        on_cancel=RoomsAdminState.cancel_edit,
        on_submit=RoomsAdminState.save_edit,
    )


def _add_form() -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.input(name="name", placeholder="Name", aria_label="New room name"),
            _number("celsius", "Temperature °C"),
            _number("min_celsius", "Lowest °C", "5"),
            _number("max_celsius", "Highest °C", "35"),
            rx.button("Add room", type="submit"),
            spacing="2",
            wrap="wrap",
        ),
        on_submit=RoomsAdminState.add,
        reset_on_submit=True,
    )


def rooms_tab() -> rx.Component:
    """The rooms, the add form, and the edit and remove dialogs."""
    return rx.vstack(
        data_table(("Room", "Now", "Bounds", ""), AdminState.board, _room_row),
        rx.heading("Add a room", size="3"),
        _add_form(),
        _edit_dialog(),
        confirm_dialog(
            "Remove room?",
            "The " + RoomsAdminState.removing + " disappears from the home; its changes stay "
            "in the ledger.",
            "Remove",
            open=RoomsAdminState.removing != "",
            on_cancel=RoomsAdminState.cancel_remove,
            on_confirm=RoomsAdminState.confirm_remove,
        ),
        spacing="3",
        width="100%",
    )
