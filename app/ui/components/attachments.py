"""Attaching files in the composer: the Attach button (a file dialog) above the message box,
the whole composer as a drop zone, paste (assets/hearth_attach.js feeds pasted files to the
same upload), and the files waiting to be sent, each with a preview and a Remove button."""

from __future__ import annotations

import reflex as rx

from app.assistant.files.kinds import DOCUMENT_TYPES, IMAGE_TYPES
from app.settings import get_settings
from app.ui.state.attachments import UPLOAD_ID, PendingFile
from app.ui.state.chat import ChatState

# What the file dialog offers (the server checks each file's content whatever it is called).
_ACCEPT = {
    **{media_type: [] for media_type in IMAGE_TYPES},
    **{media_type: [] for media_type in DOCUMENT_TYPES},
    "text/plain": [".txt", ".md", ".markdown", ".csv", ".json"],
}


def _on_drop() -> rx.EventSpec:
    return ChatState.attach(rx.upload_files(upload_id=UPLOAD_ID))


def attach_button() -> rx.Component:
    """The paperclip: opens the file dialog."""
    return rx.upload.root(
        rx.button(
            rx.icon("paperclip", size=14),
            "Attach",
            type="button",
            size="1",
            variant="ghost",
            color_scheme="gray",
            aria_label="Attach files",
            title="Attach images or documents (or drop or paste them here)",
        ),
        id=UPLOAD_ID + "-button",
        on_drop=_on_drop(),
        multiple=True,
        no_drag=True,
        # The button inside takes the keys (its click opens the dialog): one tab stop.
        no_keyboard=True,
        accept=_ACCEPT,
        class_name="attach-button",
    )


def drop_zone(*children: rx.Component) -> rx.Component:
    """The composer as a drop target (clicks and keys inside it stay the composer's)."""
    return rx.upload.root(
        *children,
        id=UPLOAD_ID,
        on_drop=_on_drop(),
        multiple=True,
        no_click=True,
        no_keyboard=True,
        class_name="attach-drop",
        drag_active_style={"outline": "2px dashed var(--accent-9)", "outline_offset": "4px"},
        width="100%",
    )


def _pending(file: PendingFile) -> rx.Component:
    return rx.hstack(
        rx.cond(
            file.preview_url != "",
            rx.image(src=file.preview_url, alt=file.name, class_name="attach-thumb"),
            rx.cond(file.is_image, rx.icon("image", size=20), rx.icon("file-text", size=20)),
        ),
        rx.vstack(
            rx.text(file.name, size="1", weight="medium", class_name="attach-name"),
            rx.text(file.size_label, size="1", color_scheme="gray"),
            spacing="0",
            min_width="0",
        ),
        rx.icon_button(
            rx.icon("x", size=12),
            type="button",
            size="1",
            variant="ghost",
            color_scheme="gray",
            aria_label="Remove " + file.name,
            on_click=ChatState.remove_file(file.id),
        ),
        class_name="attach-pending",
        data_media_type=file.media_type,
        align="center",
        spacing="2",
    )


def attachments_row() -> rx.Component:
    """Above the message box: the paperclip, then the files the next message carries."""
    limits = get_settings()
    return rx.flex(
        attach_button(),
        rx.foreach(ChatState.pending_files, _pending),
        rx.cond(
            ChatState.pending_files.length() > 0,
            rx.text(
                ChatState.pending_files.length().to_string()
                + f" of {limits.attachment_max_files} files",
                size="1",
                color_scheme="gray",
            ),
        ),
        id="attachments",
        role="group",
        aria_label="Attached files",
        wrap="wrap",
        gap="2",
        align="center",
        width="100%",
        class_name="attach-row",
    )
