"""`/admin`: the live room board, the ledger, rooms, tools, feedback, people and activity;
`/admin/thread/[admin_thread_id]`: one thread, read-only."""

from __future__ import annotations

import reflex as rx

from app.ui.components.admin.board import home_tab
from app.ui.components.admin.feedback import feedback_tab
from app.ui.components.admin.ledger import ledger_tab
from app.ui.components.admin.people import activity_tab, people_tab
from app.ui.components.admin.rooms import rooms_tab
from app.ui.components.admin.thread import read_only_transcript, thread_heading
from app.ui.components.admin.tools import tools_tab
from app.ui.components.page_header import page_header
from app.ui.state.admin import AdminState
from app.ui.state.admin_manage import FeedbackAdminState, ToolsAdminState
from app.ui.state.admin_people import PeopleAdminState


def admin_page() -> rx.Component:
    """Admins only (checked on the server by every handler)."""
    return rx.box(
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
                class_name="admin-tabs",
            ),
            *[
                rx.tabs.content(content(), value=value, padding_top="1em")
                for value, content in (
                    ("home", home_tab),
                    ("ledger", ledger_tab),
                    ("rooms", rooms_tab),
                    ("tools", tools_tab),
                    ("feedback", feedback_tab),
                    ("people", people_tab),
                    ("activity", activity_tab),
                )
            ],
            default_value="home",
            width="100%",
        ),
        class_name="admin-page",
    )


def admin_thread_page() -> rx.Component:
    """One thread as an admin reads it from the ledger."""
    return rx.box(thread_heading(), read_only_transcript(), class_name="admin-page")
