"""The admin's Feedback tab: thumbs up and down on replies, newest first."""

from __future__ import annotations

import reflex as rx

from app.ui.components.local_time import local_time
from app.ui.components.tables import data_table
from app.ui.state.admin_manage import FeedbackAdminState, FeedbackView

HEADERS = ("Time", "User", "Thread", "Rating", "Reply")


def _rating(icon: str, label: str, color: str) -> rx.Component:
    """An icon (no emoji font needed) with its words for screen readers."""
    return rx.hstack(
        rx.icon(icon, size=16, color=f"var(--{color}-9)", aria_hidden="true"),
        rx.text(label, class_name="hearth-sr-only"),
        class_name="rating-icon",
        align="center",
    )


def _feedback_row(row: FeedbackView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(local_time(row.when), white_space="nowrap"),
        rx.table.cell(row.user),
        rx.table.cell(rx.link(row.thread, href=row.thread_href)),
        rx.table.cell(
            rx.cond(
                row.rating == "up",
                _rating("thumbs-up", "Thumbs up", "green"),
                _rating("thumbs-down", "Thumbs down", "red"),
            )
        ),
        rx.table.cell(row.excerpt, color="var(--gray-11)"),
        data_rating=row.rating,
    )


def feedback_tab() -> rx.Component:
    """Each rating with its thread and the start of the reply."""
    return data_table(HEADERS, FeedbackAdminState.feedback, _feedback_row, empty="No ratings yet.")
