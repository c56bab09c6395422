"""The admin's Home tab: every room live (each set directly), and a room's history chart."""

from __future__ import annotations

import reflex as rx

from app.ui.components.fields import labelled_select
from app.ui.state.admin import AdminState, BoardRoom


def _board_room(room: BoardRoom) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(room.name, size="2", weight="medium", class_name="room-name"),
            rx.text(room.celsius + " °C", size="6", weight="bold", class_name="room-celsius"),
            rx.text(room.bounds, size="1", color_scheme="gray"),
            rx.form(
                rx.hstack(
                    rx.el.input(type="hidden", name="room", value=room.name),
                    rx.input(
                        name="celsius",
                        type="number",
                        step="0.5",
                        placeholder="°C",
                        aria_label="New temperature for " + room.name,
                        width="5em",
                        size="1",
                    ),
                    rx.button("Set", size="1", type="submit", variant="soft"),
                    spacing="1",
                ),
                on_submit=AdminState.set_temperature,
                reset_on_submit=True,
            ),
            spacing="1",
        ),
        data_room=room.name,
        class_name="board-room",
    )


def _chart() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading("History", size="3"),
            labelled_select(
                AdminState.room_names,
                AdminState.chart_room,
                AdminState.show_chart,
                "Room to chart",
            ),
            align="center",
        ),
        rx.cond(
            AdminState.chart_points.length() > 0,
            rx.recharts.line_chart(
                rx.recharts.line(data_key="celsius", type_="stepAfter", stroke="var(--orange-9)"),
                rx.recharts.x_axis(data_key="time"),
                rx.recharts.y_axis(unit=" °C", width=60),
                rx.recharts.graphing_tooltip(),
                rx.recharts.cartesian_grid(stroke_dasharray="3 3"),
                data=AdminState.chart_points,
                height=260,
                width="100%",
            ),
            rx.text("No changes to this room yet.", color_scheme="gray", size="2"),
        ),
        width="100%",
        class_name="history-chart",
    )


def home_tab() -> rx.Component:
    """The room board and the history chart."""
    return rx.vstack(
        rx.heading("Rooms now", size="3"),
        rx.box(
            rx.foreach(AdminState.board, _board_room),
            # As many columns as fit (two on a phone): see .room-board in hearth.css.
            class_name="room-board",
            width="100%",
            aria_label="Room board",
            role="region",
        ),
        _chart(),
        spacing="4",
        width="100%",
    )
