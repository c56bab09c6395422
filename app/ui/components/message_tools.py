"""Under each message: the branch picker (`‹ 2/3 ›`), Copy, and Edit (the person's messages)
or Regenerate (replies); the edit box; the dialog that asks before changes are left behind."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from app.ui.state.chat import ChatState
from app.ui.transcript import TranscriptMessage


def _tool(icon: str, label: str, on_click, **props) -> rx.Component:
    return rx.icon_button(
        rx.icon(icon, size=14),
        size="1",
        variant="ghost",
        color_scheme="gray",
        aria_label=label,
        title=label,
        on_click=on_click,
        **props,
    )


def _markdown(message: TranscriptMessage) -> Var[str]:
    """The message's text as Markdown (its text blocks, a blank line between them), for Copy
    and Edit: joined in the browser, so a reply's text is not sent a second time."""
    parts = Var.create(message.parts)
    return Var(
        _js_expr=(
            f"({parts}).filter((p) => p.kind === 'text').map((p) => p.text).join('\\n\\n').trim()"
        ),
        _var_type=str,
        _var_data=parts._get_all_var_data(),
    ).to(str)


def branch_picker(message: TranscriptMessage) -> rx.Component:
    """`‹ 2/3 ›` where a message has other versions (edits, regenerations)."""
    return rx.cond(
        message.branch_count > 1,
        rx.hstack(
            _tool(
                "chevron-left",
                "Previous version",
                ChatState.show_branch(message.previous_branch_id),
                disabled=(message.previous_branch_id == 0) | ChatState.is_running,
            ),
            rx.text(
                message.branch_index.to_string() + "/" + message.branch_count.to_string(),
                size="1",
                class_name="branch-position",
            ),
            _tool(
                "chevron-right",
                "Next version",
                ChatState.show_branch(message.next_branch_id),
                disabled=(message.next_branch_id == 0) | ChatState.is_running,
            ),
            align="center",
            spacing="1",
            class_name="branch-picker",
        ),
    )


def message_tools(message: TranscriptMessage) -> rx.Component:
    """The picker, Copy (the text as Markdown), and Edit or Regenerate; none on the reply
    still streaming."""
    is_user = message.role == "user"
    return rx.cond(
        message.id != ChatState.live_message_id,
        rx.hstack(
            branch_picker(message),
            _tool(
                "copy",
                "Copy",
                [rx.set_clipboard(_markdown(message)), rx.toast.info("Copied.")],
                class_name="copy-message",
            ),
            rx.cond(
                is_user,
                _tool(
                    "pencil",
                    "Edit",
                    ChatState.start_edit(message.id, _markdown(message)),
                    disabled=ChatState.is_running,
                    class_name="edit-message",
                ),
                _tool(
                    "refresh-cw",
                    "Regenerate",
                    ChatState.regenerate(message.id),
                    disabled=ChatState.is_running,
                    class_name="regenerate-message",
                ),
            ),
            align="center",
            spacing="2",
            class_name="message-tools",
        ),
    )


def edit_box() -> rx.Component:
    """The person's message, editable in place; Send makes it a new version."""
    return rx.vstack(
        rx.text_area(
            value=ChatState.edit_text,
            on_change=ChatState.set_edit_text,
            aria_label="Edit your message",
            class_name="edit-text",
            width="100%",
            auto_focus=True,
        ),
        rx.hstack(
            rx.button("Cancel", size="1", variant="soft", on_click=ChatState.cancel_edit),
            rx.button(
                "Send",
                size="1",
                on_click=ChatState.save_edit,
                disabled=ChatState.is_running,
                class_name="send-edit",
            ),
            justify="end",
            width="100%",
        ),
        width="100%",
        class_name="edit-box",
    )


def branch_prompt() -> rx.Component:
    """Before an edit or a regeneration leaves a turn's changes to the home behind: undo them
    (the ledger's undo), keep them, or do neither."""
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("This changed the home"),
            rx.alert_dialog.description(ChatState.branch_prompt, class_name="branch-prompt-text"),
            rx.flex(
                rx.button(
                    "Cancel",
                    variant="soft",
                    color_scheme="gray",
                    on_click=ChatState.cancel_branch_prompt,
                ),
                rx.button(
                    "Keep the changes and " + ChatState.branch_prompt_action,
                    variant="soft",
                    on_click=ChatState.answer_branch_prompt(False),
                    class_name="keep-changes",
                ),
                rx.button(
                    "Undo them and " + ChatState.branch_prompt_action,
                    on_click=ChatState.answer_branch_prompt(True),
                    class_name="undo-changes",
                ),
                spacing="2",
                justify="end",
                wrap="wrap",
                margin_top="1em",
            ),
            max_width="30em",
        ),
        open=ChatState.branch_prompt != "",
    )
