"""The admin's Feedback tab: thumbs up and down on replies, newest first."""

from __future__ import annotations

import reflex as rx

from app.ui.components.tables import data_table
from app.ui.state.admin_manage import FeedbackAdminState, FeedbackView

HEADERS = ("Time (UTC)", "User", "Thread", "Rating", "Reply")


def _feedback_row(row: FeedbackView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row.when, white_space="nowrap"),
        rx.table.cell(row.user),
        rx.table.cell(rx.link(row.thread, href=row.thread_href)),
        rx.table.cell(rx.cond(row.rating == "up", "👍", "👎"), aria_label=row.rating),
        rx.table.cell(row.excerpt, color="var(--gray-11)"),
        data_rating=row.rating,
    )


def feedback_tab() -> rx.Component:
    """Each rating with its thread and the start of the reply."""
    return data_table(HEADERS, FeedbackAdminState.feedback, _feedback_row, empty="No ratings yet.")
