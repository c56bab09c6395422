"""The composer: Enter sends, Shift+Enter breaks the line, Stop (or Esc) while answering."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from app.settings import get_settings
from app.ui.components.attachments import attachments_row, drop_zone
from app.ui.components.speech import with_dictate_button
from app.ui.state.chat import ChatState

# The counter shows from this share of the limit on.
COUNTER_FROM = 0.9


def _limit() -> int:
    return get_settings().max_message_chars


def _length() -> Var[int]:
    return ChatState.prompt.length()


def _is_too_long() -> Var[bool]:
    return _length() > _limit()


def _grouped(number: Var[int] | int) -> Var[str]:
    """7412 as "7,412" (as the server's own refusals write numbers)."""
    number = Var.create(number)
    return Var(
        _js_expr=f"({number}).toLocaleString('en-US')",
        _var_type=str,
        _var_data=number._get_all_var_data(),
    ).to(str)


def _counter() -> rx.Component:
    """How long the message is, from near the limit on; past it, by how much (polite)."""
    length, limit = _length(), _limit()
    count = _grouped(length) + " / " + _grouped(limit)
    return rx.text(
        rx.cond(
            length > limit,
            count
            + " characters: "
            + _grouped(length - limit)
            + " too many to send. Shorten the message (it is kept as it is).",
            rx.cond(
                length == limit,
                count + " characters: the message is at its limit.",
                rx.cond(length >= int(limit * COUNTER_FROM), count + " characters", ""),
            ),
        ),
        id="composer-count",
        aria_live="polite",
        size="1",
        color_scheme=rx.cond(length > limit, "red", "gray"),
        class_name="composer-count",
    )


def composer() -> rx.Component:
    """The message box with Attach, Send and Stop (files dropped or pasted on it attach)."""
    return drop_zone(_form())


def _form() -> rx.Component:
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
        attachments_row(),
        rx.hstack(
            with_dictate_button(
                rx.text_area(
                    name="message",
                    value=ChatState.prompt,
                    on_change=ChatState.set_prompt,
                    placeholder="Ask about the home… (Enter sends, Shift+Enter for a new line)",
                    aria_label="Message",
                    enter_key_submit=True,
                    auto_focus=True,
                    # No maxlength: it would cut a long paste silently; the counter says instead.
                    aria_describedby="composer-count",
                    rows="2",
                    resize="vertical",
                    width="100%",
                    id="composer",
                )
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
                rx.button(
                    rx.icon("send", size=14),
                    "Send",
                    type="submit",
                    aria_label="Send",
                    disabled=_is_too_long(),
                    aria_describedby="composer-count",
                ),
            ),
            align="end",
            width="100%",
        ),
        _counter(),
        rx.window_event_listener(
            on_key_down=lambda key, _info: rx.cond(key == "Escape", ChatState.stop, rx.noop())
        ),
        on_submit=ChatState.send,
        class_name="composer",
        width="100%",
    )
