"""The transcript: user and assistant messages, tool cards, effect cards, the live reply."""

from __future__ import annotations

import reflex as rx

from app.assistant.transcript import Part, TranscriptMessage
from app.ui.components.stream import hearth_stream
from app.ui.state.chat import ChatState

_STATUS_COLORS = {"running": "blue", "pending": "gray", "done": "green", "error": "red"}


def tool_card(part: Part) -> rx.Component:
    """A tool call: name, arguments, status, result."""
    return rx.box(
        rx.hstack(
            rx.icon("wrench", size=14),
            rx.text(part.tool_name, weight="medium", size="2", font_family="monospace"),
            rx.spacer(),
            rx.badge(
                part.tool_status,
                color_scheme=rx.match(
                    part.tool_status,
                    *_STATUS_COLORS.items(),
                    "gray",
                ),
                variant="soft",
            ),
            align="center",
            width="100%",
        ),
        rx.text(part.arguments, size="1", color_scheme="gray", font_family="monospace"),
        rx.cond(
            part.result != "",
            rx.text(part.result, size="1", font_family="monospace", class_name="tool-result"),
        ),
        class_name="tool-card",
        data_tool=part.tool_name,
        data_status=part.tool_status,
    )


def effect_card(part: Part) -> rx.Component:
    """A change to the home, rendered from its ledger row."""
    return rx.hstack(
        rx.icon("thermometer", size=16),
        rx.text(part.text, size="2", weight="medium"),
        class_name="effect-card",
        data_effect=part.effect_id,
        align="center",
    )


def _part(part: Part) -> rx.Component:
    return rx.match(
        part.kind,
        ("text", rx.markdown(part.text, use_raw=False, class_name="markdown")),
        ("tool", tool_card(part)),
        ("effect", effect_card(part)),
        rx.fragment(),
    )


def _status_note(message: TranscriptMessage) -> rx.Component:
    """Failed, cancelled or cut-off replies say so, with a Retry."""
    label = rx.match(
        message.run_status,
        ("cancelled", "Stopped. The text so far was kept."),
        ("expired", "Interrupted. The text so far was kept."),
        ("failed", "Failed: " + message.run_error),
        "Incomplete.",
    )
    return rx.cond(
        (message.role == "assistant")
        & (message.status != "complete")
        & (message.id != ChatState.live_message_id),
        rx.hstack(
            rx.text(label, size="1", color_scheme="red", class_name="run-note"),
            rx.button(
                rx.icon("rotate-ccw", size=12),
                "Retry",
                size="1",
                variant="soft",
                on_click=ChatState.retry(message.id),
                disabled=ChatState.is_running,
            ),
            align="center",
            data_message_status=message.status,
        ),
    )


def message_view(message: TranscriptMessage) -> rx.Component:
    """One message, marked with its role for tests and styles."""
    return rx.box(
        rx.cond(
            message.role == "user",
            rx.box(
                rx.foreach(message.parts, lambda p: rx.text(p.text, class_name="user-text")),
                class_name="user-bubble",
            ),
            rx.box(
                rx.foreach(message.parts, _part),
                rx.cond(
                    message.id == ChatState.live_message_id,
                    hearth_stream(stream_key=ChatState.live_key, class_name="live-text"),
                ),
                _status_note(message),
                class_name="assistant-body",
            ),
        ),
        class_name="message",
        data_role=message.role,
        data_message_id=message.id,
    )


SUGGESTIONS = (
    "What's the temperature in the kitchen?",
    "Set the kitchen to 19",
    "Make the bedroom 2 degrees warmer",
    "Which room is warmest?",
)


def suggestions() -> rx.Component:
    """Starter prompts for an empty thread."""
    return rx.vstack(
        rx.heading("What can I do for your home?", size="5"),
        rx.text("I read and change room temperatures. Try one of these:", color_scheme="gray"),
        rx.grid(
            *[
                rx.button(
                    text,
                    variant="surface",
                    on_click=ChatState.send_suggestion(text),
                    class_name="suggestion",
                )
                for text in SUGGESTIONS
            ],
            columns="2",
            spacing="2",
        ),
        align="center",
        spacing="3",
        class_name="suggestions",
    )


def transcript() -> rx.Component:
    """The messages of the open thread, scrolled to the newest."""
    return rx.auto_scroll(
        rx.cond(
            ChatState.is_empty,
            suggestions(),
            rx.vstack(
                rx.cond(
                    ChatState.has_earlier,
                    rx.button(
                        "Show earlier messages",
                        variant="ghost",
                        size="1",
                        on_click=ChatState.load_earlier,
                        align_self="center",
                    ),
                ),
                rx.foreach(ChatState.messages, message_view),
                spacing="4",
                width="100%",
            ),
        ),
        class_name="transcript",
    )
