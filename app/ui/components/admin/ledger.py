"""The admin's Ledger tab: every change to the home, filtered, paged, each with Undo."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import Var

from app.ui.admin_rows import LedgerView
from app.ui.components.fields import labelled_select
from app.ui.components.local_time import local_time
from app.ui.components.tables import data_table
from app.ui.state.admin import SOURCES, AdminState

HEADERS = ("Time", "User", "Thread", "Tool", "Room", "Change", "Source", "Status", "")


def _select(label: str, name: str, options: Any, value: Any) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray"),
        labelled_select(
            options, value, lambda v: AdminState.set_filter(name, v), "Filter by " + name
        ),
        spacing="1",
    )


def _in_utc(typed: Var) -> Var:
    """The browser's reading of a `datetime-local` value (its own zone) as ISO UTC; what it
    cannot read is passed on as typed, for the server to say why."""
    return Var(
        _js_expr=f"((d) => isNaN(d) ? {typed} : d.toISOString())(new Date({typed}))",
        _var_type=str,
        _var_data=typed._get_all_var_data(),
    ).to(str)


def _time(label: str, name: str, value: Any) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray"),
        rx.input(
            type="datetime-local",
            value=value,
            on_change=lambda v: AdminState.set_time_filter(name, v, _in_utc(v)),
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
            _time("From", "since", AdminState.filter_since),
            _time("To", "until", AdminState.filter_until),
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
        rx.table.cell(local_time(row.when, "seconds"), white_space="nowrap"),
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


def _pages() -> rx.Component:
    return rx.hstack(
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
    )


def ledger_tab() -> rx.Component:
    """Filters, one page of changes (newest first), Newer / Older."""
    return rx.vstack(
        _filters(),
        data_table(
            HEADERS,
            AdminState.ledger,
            _ledger_row,
            empty="No changes match.",
            aria_label="Effect ledger",
        ),
        _pages(),
        spacing="3",
        width="100%",
    )
