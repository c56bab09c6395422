"""The admin's Home tab: every room live (each set directly), and a room's history chart."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx
from reflex.vars import FunctionVar, Var

from app.ui.admin_rows import BoardRoom
from app.ui.components.fields import labelled_select
from app.ui.state.admin import AdminState


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


# Intl options for the axis labels by the span shown: fine enough that no two ticks read the
# same, no finer (a tick every few seconds, minutes, hours, then days).
SECONDS = '{hour: "2-digit", minute: "2-digit", second: "2-digit"}'
MINUTES = '{hour: "2-digit", minute: "2-digit"}'
DAYS_AND_HOURS = '{day: "numeric", month: "short", hour: "2-digit", minute: "2-digit"}'
DAYS = '{day: "numeric", month: "short"}'
FULL = (
    '{day: "numeric", month: "short", year: "numeric",'
    ' hour: "2-digit", minute: "2-digit", second: "2-digit"}'
)
TEN_MINUTES_MS = 10 * 60 * 1000
DAY_MS = 24 * 60 * 60 * 1000


def _format_js(value: str, options: str) -> str:
    """JS formatting epoch ms `value` in the browser's zone."""
    return f"new Intl.DateTimeFormat(undefined, {options}).format({value})"


def _tick_formatter() -> Var:
    """The x-axis labels in the browser's zone, as fine as the chart's span needs."""
    span = AdminState.chart_span_ms
    options = (
        f"({span._js_expr} < {TEN_MINUTES_MS} ? {SECONDS}"
        f" : {span._js_expr} < {DAY_MS} ? {MINUTES}"
        f" : {span._js_expr} < {7 * DAY_MS} ? {DAYS_AND_HOURS} : {DAYS})"
    )
    return Var(
        _js_expr=f"((v) => {_format_js('v', options)})",
        _var_type=Callable,
        _var_data=span._get_all_var_data(),
    ).to(FunctionVar)


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
                rx.recharts.line(
                    data_key="celsius",
                    type_="stepAfter",
                    stroke="var(--orange-9)",
                    is_animation_active=False,
                ),
                # A time axis: points sit as far apart as the moments between them.
                rx.recharts.x_axis(
                    data_key="at_ms",
                    type_="number",
                    scale="time",
                    domain=["dataMin", "dataMax"],
                    ticks=AdminState.chart_ticks,
                    tick_formatter=_tick_formatter(),
                ),
                # Fitted to the temperatures, with a degree of air above and below.
                rx.recharts.y_axis(
                    unit=" °C",
                    width=60,
                    domain=["dataMin - 1", "dataMax + 1"],
                    allow_decimals=False,
                ),
                rx.recharts.graphing_tooltip(
                    custom_attrs={"labelFormatter": rx.Var(f"((v) => {_format_js('v', FULL)})")}
                ),
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
