"""`/admin`: the live room board, the ledger, history charts, rooms, tools and feedback."""

from __future__ import annotations

import reflex as rx

from app.ui.components.dialogs import confirm_dialog
from app.ui.components.markdown import inert_markdown
from app.ui.components.page_header import page_header
from app.ui.pages.admin_people import activity_tab, people_tab
from app.ui.state.admin import SOURCES, AdminState, BoardRoom, LedgerView
from app.ui.state.admin_manage import (
    AdminThreadState,
    FeedbackAdminState,
    FeedbackView,
    RoomsAdminState,
    ToolRow,
    ToolsAdminState,
)
from app.ui.state.admin_people import PeopleAdminState
from app.ui.transcript import TranscriptMessage, TranscriptPart


def _labelled_select(options, value, on_change, label: str) -> rx.Component:
    """A select whose trigger carries an accessible name."""
    return rx.select.root(
        rx.select.trigger(aria_label=label),
        rx.select.content(rx.foreach(options, lambda option: rx.select.item(option, value=option))),
        value=value,
        on_change=on_change,
        size="1",
    )


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
            _labelled_select(
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


def _home_tab() -> rx.Component:
    return rx.vstack(
        rx.heading("Rooms now", size="3"),
        rx.grid(
            rx.foreach(AdminState.board, _board_room),
            columns="5",
            spacing="3",
            width="100%",
            aria_label="Room board",
            role="region",
        ),
        _chart(),
        spacing="4",
        width="100%",
    )


def _select(label: str, name: str, options, value) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray"),
        _labelled_select(
            options, value, lambda v: AdminState.set_filter(name, v), "Filter by " + name
        ),
        spacing="1",
    )


def _time(label: str, name: str, value) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray"),
        rx.input(
            type="datetime-local",
            value=value,
            on_change=lambda v: AdminState.set_filter(name, v),
            size="1",
            aria_label=label,
        ),
        spacing="1",
    )


def _filters() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            _select("Room", "room", AdminState.room_options, AdminState.filter_room),
            _select("User", "user", AdminState.user_options, AdminState.filter_user),
            _select("Source", "source", SOURCES, AdminState.filter_source),
            _time("From (UTC)", "since", AdminState.filter_since),
            _time("To (UTC)", "until", AdminState.filter_until),
            rx.button("Clear", size="1", variant="soft", on_click=AdminState.clear_filters),
            align="end",
            spacing="3",
            wrap="wrap",
        ),
        rx.cond(
            AdminState.filter_error != "",
            rx.callout(AdminState.filter_error, color_scheme="red", icon="triangle-alert"),
        ),
        width="100%",
    )


def _ledger_row(row: LedgerView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row.when, white_space="nowrap"),
        rx.table.cell(row.user),
        rx.table.cell(
            rx.cond(row.thread_href != "", rx.link(row.thread, href=row.thread_href), row.thread)
        ),
        rx.table.cell(row.tool, font_family="monospace"),
        rx.table.cell(row.room),
        rx.table.cell(row.change, white_space="nowrap"),
        rx.table.cell(rx.badge(row.source, variant="soft")),
        rx.table.cell(row.status),
        rx.table.cell(
            rx.cond(
                row.can_undo,
                rx.button(
                    "Undo",
                    size="1",
                    variant="soft",
                    on_click=AdminState.undo(row.id),
                    aria_label="Undo change " + row.id.to_string(),
                ),
            )
        ),
        data_effect=row.id,
    )


def _ledger_tab() -> rx.Component:
    headers = ["Time (UTC)", "User", "Thread", "Tool", "Room", "Change", "Source", "Status", ""]
    return rx.vstack(
        _filters(),
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
            rx.table.body(rx.foreach(AdminState.ledger, _ledger_row)),
            width="100%",
            size="1",
            aria_label="Effect ledger",
        ),
        rx.cond(
            AdminState.ledger.length() == 0,
            rx.text("No changes match.", color_scheme="gray", size="2"),
        ),
        rx.hstack(
            rx.button(
                "Newer",
                size="1",
                variant="soft",
                on_click=AdminState.newer,
                disabled=AdminState.page_number == 1,
            ),
            rx.text("Page ", AdminState.page_number, size="2"),
            rx.button(
                "Older",
                size="1",
                variant="soft",
                on_click=AdminState.older,
                disabled=~AdminState.has_older,
            ),
            align="center",
        ),
        spacing="3",
        width="100%",
    )


def _number(name: str, label: str, value=None) -> rx.Component:
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


def _edit_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Edit room"),
            rx.form(
                rx.vstack(
                    rx.input(
                        name="name",
                        default_value=RoomsAdminState.editing,
                        aria_label="Room name",
                    ),
                    rx.foreach(
                        AdminState.board,
                        lambda r: rx.cond(
                            r.name == RoomsAdminState.editing,
                            rx.hstack(
                                _number("min_celsius", "Lowest °C", r.min_celsius.to_string()),
                                _number("max_celsius", "Highest °C", r.max_celsius.to_string()),
                            ),
                        ),
                    ),
                    rx.hstack(
                        rx.button(
                            "Cancel",
                            type="button",
                            variant="soft",
                            color_scheme="gray",
                            on_click=RoomsAdminState.cancel_edit,
                        ),
                        rx.button("Save", type="submit"),
                        justify="end",
                    ),
                ),
                on_submit=RoomsAdminState.save_edit,
                reset_on_submit=False,
            ),
        ),
        open=RoomsAdminState.editing != "",
        on_open_change=lambda _open: RoomsAdminState.cancel_edit,
    )


def _remove_dialog() -> rx.Component:
    return confirm_dialog(
        "Remove room?",
        "The " + RoomsAdminState.removing + " disappears from the home; its changes stay "
        "in the ledger.",
        "Remove",
        open=RoomsAdminState.removing != "",
        on_cancel=RoomsAdminState.cancel_remove,
        on_confirm=RoomsAdminState.confirm_remove,
    )


def _rooms_tab() -> rx.Component:
    return rx.vstack(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    *[rx.table.column_header_cell(h) for h in ("Room", "Now", "Bounds", "")]
                )
            ),
            rx.table.body(rx.foreach(AdminState.board, _room_row)),
            width="100%",
            size="1",
        ),
        rx.heading("Add a room", size="3"),
        rx.form(
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
        ),
        _edit_dialog(),
        _remove_dialog(),
        spacing="3",
        width="100%",
    )


def _tool_row(tool: ToolRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(tool.name, font_family="monospace"),
        rx.table.cell(tool.description, color="var(--gray-11)"),
        rx.table.cell(
            rx.segmented_control.root(
                rx.segmented_control.item("Run automatically", value="auto"),
                rx.segmented_control.item("Ask first", value="ask"),
                value=tool.mode,
                on_change=lambda mode: ToolsAdminState.set_mode(tool.name, mode),
                size="1",
                aria_label="Policy for " + tool.name,
            )
        ),
        data_tool=tool.name,
    )


def _tools_tab() -> rx.Component:
    return rx.table.root(
        rx.table.header(
            rx.table.row(*[rx.table.column_header_cell(h) for h in ("Tool", "What it does", "")])
        ),
        rx.table.body(rx.foreach(ToolsAdminState.tools, _tool_row)),
        width="100%",
        size="1",
    )


def _feedback_row(row: FeedbackView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row.when, white_space="nowrap"),
        rx.table.cell(row.user),
        rx.table.cell(rx.link(row.thread, href=row.thread_href)),
        rx.table.cell(rx.cond(row.rating == "up", "👍", "👎"), aria_label=row.rating),
        rx.table.cell(row.excerpt, color="var(--gray-11)"),
        data_rating=row.rating,
    )


def _feedback_tab() -> rx.Component:
    headers = ("Time (UTC)", "User", "Thread", "Rating", "Reply")
    return rx.vstack(
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
            rx.table.body(rx.foreach(FeedbackAdminState.feedback, _feedback_row)),
            width="100%",
            size="1",
        ),
        rx.cond(
            FeedbackAdminState.feedback.length() == 0,
            rx.text("No ratings yet.", color_scheme="gray", size="2"),
        ),
        width="100%",
    )


def admin_page() -> rx.Component:
    """Admins only (checked on the server by every handler)."""
    return rx.box(
        # A ticking clock: each tick asks whether the home changed (one cheap query).
        rx.cond(
            AdminState.is_admin,
            rx.moment(interval=500, on_change=AdminState.tick, display="none"),
        ),
        page_header(
            "Hearth admin",
            AdminState.username,
            rx.button("Sign out", size="1", variant="ghost", on_click=AdminState.sign_out),
        ),
        rx.tabs.root(
            rx.tabs.list(
                rx.tabs.trigger("Home", value="home"),
                rx.tabs.trigger("Ledger", value="ledger"),
                rx.tabs.trigger("Rooms", value="rooms"),
                rx.tabs.trigger("Tools", value="tools", on_click=ToolsAdminState.load_tools),
                rx.tabs.trigger(
                    "Feedback", value="feedback", on_click=FeedbackAdminState.load_feedback
                ),
                rx.tabs.trigger("People", value="people", on_click=PeopleAdminState.load_people),
                rx.tabs.trigger("Activity", value="activity", on_click=PeopleAdminState.load_audit),
                flex_wrap="wrap",
            ),
            rx.tabs.content(_home_tab(), value="home", padding_top="1em"),
            rx.tabs.content(_ledger_tab(), value="ledger", padding_top="1em"),
            rx.tabs.content(_rooms_tab(), value="rooms", padding_top="1em"),
            rx.tabs.content(_tools_tab(), value="tools", padding_top="1em"),
            rx.tabs.content(_feedback_tab(), value="feedback", padding_top="1em"),
            rx.tabs.content(people_tab(), value="people", padding_top="1em"),
            rx.tabs.content(activity_tab(), value="activity", padding_top="1em"),
            default_value="home",
            width="100%",
        ),
        class_name="admin-page",
    )


def _read_only_part(part: TranscriptPart) -> rx.Component:
    return rx.match(
        part.kind,
        ("text", inert_markdown(part.text)),
        (
            "tool",
            rx.text(
                part.tool_name + " " + part.arguments + " → " + part.tool_status,
                size="1",
                font_family="monospace",
                class_name="tool-card",
            ),
        ),
        ("effect", rx.text(part.text, size="2", class_name="effect-card")),
        rx.fragment(),
    )


def _read_only_message(message: TranscriptMessage) -> rx.Component:
    return rx.box(
        rx.text(message.role, size="1", color_scheme="gray", weight="medium"),
        rx.foreach(message.parts, _read_only_part),
        class_name="read-only-message",
        data_role=message.role,
    )


def admin_thread_page() -> rx.Component:
    """One thread as an admin reads it from the ledger."""
    return rx.box(
        rx.hstack(
            rx.link("← Admin", href="/admin"),
            rx.heading(AdminThreadState.thread_title, size="4", as_="h1"),
            rx.badge("by " + AdminThreadState.thread_owner, variant="soft"),
            rx.cond(AdminThreadState.thread_deleted, rx.badge("deleted", color_scheme="red")),
            align="center",
            spacing="3",
        ),
        rx.text(
            "Read-only: only its owner can continue this thread.", size="1", color_scheme="gray"
        ),
        rx.vstack(rx.foreach(AdminThreadState.thread_messages, _read_only_message), spacing="3"),
        class_name="admin-page",
    )
