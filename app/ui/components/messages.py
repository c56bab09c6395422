"""The transcript: user and assistant messages, tool cards, effect cards, the live reply."""

from __future__ import annotations

import reflex as rx

from app.ui.components.follow_scroll import follow_scroll
from app.ui.components.local_time import local_time
from app.ui.components.markdown import inert_markdown
from app.ui.components.message_tools import branch_prompt, edit_box, message_tools
from app.ui.components.speech import read_aloud_button
from app.ui.components.stream import hearth_stream
from app.ui.state.chat import ChatState
from app.ui.state.rooms import RoomsState
from app.ui.transcript import TranscriptMessage, TranscriptPart

_STATUS_COLORS = {
    "running": "blue",
    "pending": "gray",
    "awaiting_approval": "amber",
    "awaiting_client": "amber",
    "done": "green",
    "error": "red",
    "denied": "red",
    "cancelled": "gray",
}
# The icons a card's sentence may lead with (app/ui/tool_cards.py names them).
_CARD_ICONS = ("thermometer", "sliders-horizontal", "list")


def _approval(part: TranscriptPart) -> rx.Component:
    """Approve / Deny for a held call, with why it is held: stored, so any tab can answer,
    after a reload too."""
    return rx.vstack(
        rx.cond(
            part.approval_reason != "",
            rx.text(part.approval_reason, size="2", weight="medium", class_name="approval-reason"),
        ),
        rx.hstack(
            rx.cond(
                part.approval_reason == "",
                rx.text("Hearth asks before running this.", size="1"),
            ),
            rx.spacer(),
            rx.text("Expires ", local_time(part.expires_at, "time"), size="1", color_scheme="gray"),
            rx.button(
                rx.icon("check", size=12),
                "Approve",
                size="1",
                color_scheme="green",
                on_click=ChatState.decide(part.call_row_id, True),
            ),
            rx.button(
                rx.icon("x", size=12),
                "Deny",
                size="1",
                variant="soft",
                color_scheme="red",
                on_click=ChatState.decide(part.call_row_id, False),
            ),
            align="center",
            # On a phone the buttons go below the deadline rather than off the card.
            flex_wrap="wrap",
            width="100%",
        ),
        spacing="1",
        class_name="approval",
        width="100%",
        role="group",
        aria_label="Approval for: " + part.summary,
    )


def _card_icon(part: TranscriptPart) -> rx.Component:
    return rx.match(
        part.icon,
        *[(name, rx.icon(name, size=14)) for name in _CARD_ICONS],
        rx.icon("wrench", size=14),
    )


def _details(part: TranscriptPart) -> rx.Component:
    """The raw call, folded away: the tool's name, its arguments and its result as JSON."""
    return rx.el.details(
        rx.el.summary("Details", class_name="tool-details-toggle"),
        rx.el.dl(
            rx.el.dt("Tool"),
            rx.el.dd(rx.el.code(part.tool_name)),
            rx.el.dt("Arguments"),
            rx.el.dd(rx.el.code(part.arguments)),
            rx.cond(
                part.result != "",
                rx.fragment(rx.el.dt("Result"), rx.el.dd(rx.el.code(part.result))),
            ),
            class_name="tool-details-body",
        ),
        class_name="tool-details",
    )


def tool_card(part: TranscriptPart) -> rx.Component:
    """A tool call as a sentence ("Read the kitchen: 22 °C") with its status in words, why it
    did nothing where it did nothing, Approve / Deny while it waits, and the raw call under
    Details."""
    return rx.box(
        rx.hstack(
            _card_icon(part),
            rx.text(part.summary, weight="medium", size="2", class_name="tool-summary"),
            rx.spacer(),
            rx.badge(
                part.status_label,
                color_scheme=rx.match(part.tool_status, *_STATUS_COLORS.items(), "gray"),
                variant="soft",
                class_name="tool-status",
            ),
            align="center",
            # A narrow card puts the status under the sentence, not past the card's edge.
            flex_wrap="wrap",
            width="100%",
        ),
        rx.cond(part.note != "", rx.text(part.note, size="1", class_name="tool-note")),
        rx.cond(part.tool_status == "awaiting_approval", _approval(part)),
        _details(part),
        class_name="tool-card",
        data_tool=part.tool_name,
        data_status=part.tool_status,
    )


def effect_card(part: TranscriptPart) -> rx.Component:
    """A change to the home, rendered from its ledger row."""
    return rx.hstack(
        rx.icon("thermometer", size=16),
        rx.text(part.text, size="2", weight="medium", class_name="effect-text"),
        rx.spacer(),
        rx.cond(
            part.undone,
            rx.badge("Undone", color_scheme="gray", variant="soft"),
            rx.button(
                rx.icon("undo-2", size=12),
                "Undo",
                size="1",
                variant="ghost",
                on_click=ChatState.undo(part.effect_id),
                aria_label="Undo: " + part.text,
            ),
        ),
        class_name="effect-card",
        data_effect=part.effect_id,
        data_undone=part.undone,
        align="center",
        width="100%",
    )


def _part(part: TranscriptPart) -> rx.Component:
    return rx.match(
        part.kind,
        ("text", inert_markdown(part.text)),
        ("tool", tool_card(part)),
        ("effect", effect_card(part)),
        rx.fragment(),
    )


def _user_part(part: TranscriptPart) -> rx.Component:
    """The person's text, or a file they attached (its name, type and size)."""
    return rx.cond(
        part.kind == "file",
        rx.box(
            rx.cond(part.icon == "image", rx.icon("image", size=14), rx.icon("file-text", size=14)),
            rx.text(part.text, as_="span", size="1", weight="medium"),
            rx.text(part.summary, as_="span", size="1", color_scheme="gray"),
            class_name="message-file",
        ),
        rx.text(part.text, class_name="user-text"),
    )


def _status_note(message: TranscriptMessage) -> rx.Component:
    """Failed, cancelled or cut-off replies say so, with a Retry."""
    label = rx.match(
        message.run_status,
        ("cancelled", "Stopped. The text so far was kept."),
        (
            "expired",
            rx.cond(
                message.run_error != "", message.run_error, "Interrupted. The text so far was kept."
            ),
        ),
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


def _no_change(message: TranscriptMessage) -> rx.Component:
    """A reply that says it changed a room no effect changed is marked: the cards are the truth."""
    return rx.cond(
        message.no_change_note != "",
        rx.callout(
            message.no_change_note,
            icon="circle-alert",
            color_scheme="amber",
            size="1",
            class_name="no-change",
            role="note",
        ),
    )


def _thumb(message: TranscriptMessage, rating: str, icon: str, label: str) -> rx.Component:
    chosen = message.rating == rating
    return rx.icon_button(
        rx.icon(icon, size=14),
        size="1",
        variant=rx.cond(chosen, "soft", "ghost"),
        color_scheme=rx.cond(chosen, "orange", "gray"),
        aria_label=label,
        aria_pressed=rx.cond(chosen, "true", "false"),
        on_click=ChatState.rate(message.id, rating),
    )


def _rating(message: TranscriptMessage) -> rx.Component:
    """Thumbs up / down on a finished reply."""
    return rx.cond(
        (message.id != ChatState.live_message_id) & (message.run_status != ""),
        rx.hstack(
            _thumb(message, "up", "thumbs-up", "Good reply"),
            _thumb(message, "down", "thumbs-down", "Bad reply"),
            read_aloud_button(message),
            spacing="1",
            class_name="rating",
        ),
    )


def _suggested(message: TranscriptMessage) -> rx.Component:
    """What the newest reply suggests sending next, as buttons that send it (none while a
    run is going: the next reply brings its own)."""
    return rx.cond(
        (message.id == ChatState.latest_reply_id)
        & ~ChatState.is_running
        & (message.suggestions.length() > 0),
        rx.flex(
            rx.foreach(
                message.suggestions,
                lambda text: rx.button(
                    text,
                    size="1",
                    variant="soft",
                    on_click=ChatState.send_suggestion(text),
                    class_name="reply-suggestion",
                ),
            ),
            wrap="wrap",
            spacing="2",
            role="group",
            aria_label="Suggested messages",
            class_name="reply-suggestions",
        ),
    )


def _answered_by(message: TranscriptMessage) -> rx.Component:
    """Who answered, where Hearth chose (hybrid): this device, or the model."""
    return rx.cond(
        message.answered_by != "",
        rx.text(
            rx.match(
                message.answered_by,
                ("device", "Answered on this device"),
                "Answered by the model",
            ),
            size="1",
            color_scheme="gray",
            class_name="answered-by",
            data_answered_by=message.answered_by,
        ),
    )


def message_view(message: TranscriptMessage) -> rx.Component:
    """One message, marked with its role for tests and styles."""
    return rx.box(
        rx.cond(
            message.role == "user",
            rx.cond(
                message.id == ChatState.editing_message_id,
                edit_box(),
                rx.vstack(
                    rx.box(
                        rx.foreach(message.parts, _user_part),
                        class_name="user-bubble",
                    ),
                    message_tools(message),
                    align="end",
                    spacing="1",
                    width="100%",
                ),
            ),
            rx.box(
                rx.foreach(message.parts, _part),
                rx.cond(
                    message.id == ChatState.live_message_id,
                    hearth_stream(stream_key=ChatState.live_segment_key, class_name="live-text"),
                ),
                _no_change(message),
                _status_note(message),
                rx.hstack(
                    _answered_by(message),
                    _rating(message),
                    message_tools(message),
                    align="center",
                    spacing="3",
                    flex_wrap="wrap",
                ),
                _suggested(message),
                class_name="assistant-body",
            ),
        ),
        class_name="message",
        data_role=message.role,
        data_message_id=message.id,
    )


def suggestions() -> rx.Component:
    """Starter prompts for an empty thread, naming the home's rooms."""
    return rx.vstack(
        rx.heading("What can I do for your home?", size="5"),
        rx.text("I read and change room temperatures. Try one of these:", color_scheme="gray"),
        rx.grid(
            rx.foreach(
                RoomsState.starters,
                lambda text: rx.button(
                    text,
                    variant="surface",
                    on_click=ChatState.send_suggestion(text),
                    class_name="suggestion",
                ),
            ),
            columns="2",
            spacing="2",
        ),
        align="center",
        spacing="3",
        class_name="suggestions",
    )


def transcript() -> rx.Component:
    """The messages of the open thread, scrolled to the newest while the reader is there."""
    return follow_scroll(
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
        branch_prompt(),
        follow_key=ChatState.current_thread_id.to_string(),
        jump_to=ChatState.jump_to,
        class_name="transcript",
    )
