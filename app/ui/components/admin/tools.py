"""The admin's Tools tab: per tool, run automatically or ask the thread's owner first."""

from __future__ import annotations

import reflex as rx

from app.ui.components.fields import choice
from app.ui.components.tables import data_table
from app.ui.state.admin_manage import ToolRow, ToolsAdminState

POLICIES = {"Run automatically": "auto", "Ask first": "ask"}


def _tool_row(tool: ToolRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(tool.name, font_family="monospace"),
        rx.table.cell(tool.description, color="var(--gray-11)"),
        rx.table.cell(
            choice(
                POLICIES,
                tool.mode,
                lambda mode: ToolsAdminState.set_mode(tool.name, mode),
                "Policy for " + tool.name,
            )
        ),
        data_tool=tool.name,
    )


def tools_tab() -> rx.Component:
    """Every tool, what it does, and its policy."""
    return data_table(("Tool", "What it does", ""), ToolsAdminState.tools, _tool_row)
