"""A thread as an admin reads it from the ledger: read-only, deleted threads too."""

from __future__ import annotations

import reflex as rx

from app.ui.components.markdown import inert_markdown
from app.ui.state.admin_manage import AdminThreadState
from app.ui.transcript import TranscriptMessage, TranscriptPart


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
        rx.cond(
            message.no_change_note != "",
            rx.text(message.no_change_note, size="1", color_scheme="amber", class_name="no-change"),
        ),
        class_name="read-only-message",
        data_role=message.role,
    )


def thread_heading() -> rx.Component:
    """The way back, the thread's title, whose it is, and whether it was deleted."""
    return rx.hstack(
        rx.link("← Admin", href="/admin"),
        rx.heading(AdminThreadState.thread_title, size="4", as_="h1"),
        rx.badge("by " + AdminThreadState.thread_owner, variant="soft"),
        rx.cond(AdminThreadState.thread_deleted, rx.badge("deleted", color_scheme="red")),
        align="center",
        spacing="3",
    )


def read_only_transcript() -> rx.Component:
    """Every message with its tool calls and changes, as text."""
    return rx.fragment(
        rx.text(
            "Read-only: only its owner can continue this thread.", size="1", color_scheme="gray"
        ),
        rx.vstack(rx.foreach(AdminThreadState.thread_messages, _read_only_message), spacing="3"),
    )
