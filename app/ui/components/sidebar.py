"""The sidebar: search, New thread, the threads newest first (or the hits of a search),
rename and delete dialogs."""

from __future__ import annotations

import reflex as rx

from app.ui.components.dialogs import confirm_dialog, form_dialog
from app.ui.components.local_time import day_group_label, local_time
from app.ui.components.search import search_box, search_results
from app.ui.components.top_bar import close_button
from app.ui.state.auth import AuthState
from app.ui.state.chat import ChatState
from app.ui.state.layout import THREADS_CLOSE_ID, LayoutState
from app.ui.state.search import SearchState
from app.ui.state.threads import ThreadRow, ThreadsState


def _thread_item(thread: ThreadRow) -> rx.Component:
    return rx.fragment(
        day_group_label(thread.active_at, thread.previous_active_at), _thread_row(thread)
    )


def _thread_row(thread: ThreadRow) -> rx.Component:
    is_open = ChatState.current_thread_id == thread.id
    return rx.hstack(
        rx.link(
            thread.title,
            href=thread.href,
            class_name="thread-link",
            aria_current=rx.cond(is_open, "page", "false"),
            underline="none",
            # On a narrow screen the drawer closes as the thread opens.
            on_click=LayoutState.close_panels,
        ),
        rx.text(local_time(thread.active_at, "auto"), size="1", class_name="thread-when"),
        rx.hstack(
            rx.icon_button(
                rx.icon("pencil", size=12),
                size="1",
                variant="ghost",
                aria_label="Rename " + thread.title,
                on_click=ThreadsState.start_rename(thread.id, thread.title),
            ),
            rx.icon_button(
                rx.icon("trash-2", size=12),
                size="1",
                variant="ghost",
                color_scheme="red",
                aria_label="Delete " + thread.title,
                on_click=ThreadsState.start_delete(thread.id, thread.title),
            ),
            class_name="thread-actions",
            spacing="1",
        ),
        class_name=rx.cond(is_open, "thread-item open", "thread-item"),
        align="center",
        width="100%",
    )


def _rename_dialog() -> rx.Component:
    return form_dialog(
        "Rename thread",
        rx.input(
            name="title",
            value=ThreadsState.rename_title,
            on_change=ThreadsState.set_rename_title,
            aria_label="Thread title",
            max_length=80,
            auto_focus=True,
            width="100%",
        ),
        open=ThreadsState.renaming_id != 0,
        on_cancel=ThreadsState.cancel_rename,
        on_submit=ThreadsState.confirm_rename,
    )


def _delete_dialog() -> rx.Component:
    return confirm_dialog(
        "Delete thread?",
        "“" + ThreadsState.deleting_title + "” will disappear from your threads. "
        "Changes it made to the home stay in the ledger.",
        "Delete",
        open=ThreadsState.deleting_id != 0,
        on_cancel=ThreadsState.cancel_delete,
        on_confirm=ThreadsState.confirm_delete,
    )


def account_footer() -> rx.Component:
    """Who is signed in, the admin view for admins, API tokens, and Sign out."""
    return rx.vstack(
        rx.cond(
            AuthState.is_admin,
            rx.link(
                rx.hstack(rx.icon("shield", size=14), rx.text("Admin", size="2"), align="center"),
                href="/admin",
                underline="none",
            ),
        ),
        rx.link(
            rx.hstack(
                rx.icon("key-round", size=14), rx.text("API tokens", size="2"), align="center"
            ),
            href="/tokens",
            underline="none",
        ),
        rx.hstack(
            rx.icon("circle-user", size=16),
            rx.text(AuthState.username, size="2", class_name="account-name"),
            rx.spacer(),
            rx.button("Sign out", size="1", variant="ghost", on_click=AuthState.sign_out),
            align="center",
            width="100%",
        ),
        class_name="account",
        spacing="2",
    )


def sidebar() -> rx.Component:
    """Threads, newest first, as a navigation landmark; while a search is typed, its hits."""
    return rx.vstack(
        rx.hstack(
            rx.icon("flame", color="var(--orange-9)"),
            rx.heading("Hearth", size="5"),
            rx.spacer(),
            close_button("Close threads", THREADS_CLOSE_ID),
            align="center",
            width="100%",
        ),
        search_box(),
        rx.button(
            rx.icon("plus", size=14),
            "New thread",
            on_click=[LayoutState.close_panels, ThreadsState.new_thread],
            width="100%",
            variant="soft",
        ),
        rx.cond(
            SearchState.is_open,
            search_results(),
            rx.el.nav(
                rx.vstack(
                    rx.foreach(ThreadsState.threads, _thread_item), spacing="1", width="100%"
                ),
                aria_label="Threads",
                class_name="thread-list",
            ),
        ),
        _rename_dialog(),
        _delete_dialog(),
        account_footer(),
        class_name="sidebar",
        id="threads-drawer",
        spacing="3",
    )
