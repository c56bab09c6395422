"""The composer: Enter sends, Shift+Enter breaks the line, Stop (or Esc) while answering."""

from __future__ import annotations

import reflex as rx

from app.settings import get_settings
from app.ui.state.chat import ChatState


def composer() -> rx.Component:
    """The message box with Send and Stop."""
    return rx.form(
        # Always there, so screen readers hear each change: answering, or waiting for you.
        rx.text(
            ChatState.composer_status,
            size="1",
            role="status",
            aria_live="polite",
            class_name="composer-status",
            data_waiting=rx.cond(ChatState.is_waiting_for_approval, "approval", ""),
        ),
        rx.hstack(
            rx.text_area(
                name="message",
                value=ChatState.prompt,
                on_change=ChatState.set_prompt,
                placeholder="Ask about the home… (Enter sends, Shift+Enter for a new line)",
                aria_label="Message",
                enter_key_submit=True,
                auto_focus=True,
                max_length=get_settings().max_message_chars,
                rows="2",
                resize="vertical",
                width="100%",
                id="composer",
            ),
            rx.cond(
                ChatState.is_running,
                rx.button(
                    rx.icon("square", size=14),
                    "Stop",
                    type="button",
                    color_scheme="red",
                    variant="soft",
                    on_click=ChatState.stop,
                    aria_label="Stop",
                ),
                rx.button(rx.icon("send", size=14), "Send", type="submit", aria_label="Send"),
            ),
            align="end",
            width="100%",
        ),
        rx.window_event_listener(
            on_key_down=lambda key, _info: rx.cond(key == "Escape", ChatState.stop, rx.noop())
        ),
        on_submit=ChatState.send,
        class_name="composer",
        width="100%",
    )
