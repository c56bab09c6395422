"""`/tokens`: the person's API tokens, for apps built on assistant-ui or the AI SDK's useChat."""

from __future__ import annotations

import reflex as rx

from app.accounts.api_tokens import MAX_NAME_CHARS
from app.ui.components.dialogs import confirm_dialog
from app.ui.components.fields import field, refusal
from app.ui.components.local_time import local_time
from app.ui.components.page_header import page_header
from app.ui.components.tables import data_table
from app.ui.state.tokens import EXPIRY_CHOICES, TokenRow, TokensState


def _new_token() -> rx.Component:
    """The token just made: shown once, with Copy."""
    return rx.callout.root(
        rx.callout.icon(rx.icon("key-round")),
        rx.vstack(
            rx.text(
                "Your new token “" + TokensState.new_token_name + "”. Copy it now: "
                "Hearth keeps only its hash and cannot show it again.",
                size="2",
            ),
            rx.hstack(
                rx.code(TokensState.new_token, class_name="new-token", size="2"),
                rx.button(
                    rx.icon("copy", size=14),
                    "Copy",
                    size="1",
                    variant="soft",
                    # In the browser, within the click: no round trip, so the
                    # clipboard write keeps the click's user activation.
                    on_click=[
                        rx.set_clipboard(TokensState.new_token),
                        rx.toast.success("Token copied."),
                    ],
                ),
                rx.button(
                    "Done", size="1", variant="ghost", on_click=TokensState.dismiss_new_token
                ),
                align="center",
                wrap="wrap",
            ),
            spacing="2",
        ),
        color_scheme="green",
        role="status",
        width="100%",
    )


def _create_form() -> rx.Component:
    return rx.form(
        field(
            "Name",
            rx.hstack(
                rx.input(
                    id="token-name",
                    name="name",
                    placeholder="e.g. kitchen tablet app",
                    max_length=MAX_NAME_CHARS,
                    aria_invalid=rx.cond(TokensState.name_error != "", "true", "false"),
                    aria_describedby="token-name-error",
                    width="20em",
                    max_width="100%",
                ),
                rx.el.label("Expires", html_for="token-expiry", class_name="hearth-sr-only"),
                rx.el.select(
                    *[rx.el.option(label, value=days) for label, days in EXPIRY_CHOICES.items()],
                    id="token-expiry",
                    name="expires_in_days",
                    aria_label="Expires after",
                    class_name="token-expiry",
                ),
                rx.button(rx.icon("plus", size=14), "Create token", type="submit"),
                align="center",
                wrap="wrap",
            ),
            refusal(TokensState.name_error, id="token-name-error"),
            html_for="token-name",
        ),
        on_submit=TokensState.create,
        reset_on_submit=True,
    )


def _token_row(row: TokenRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row.name),
        rx.table.cell(rx.code(row.prefix, size="1")),
        rx.table.cell(local_time(row.created), white_space="nowrap"),
        rx.table.cell(local_time(row.last_used, empty="never"), white_space="nowrap"),
        rx.table.cell(
            rx.text(
                rx.cond(row.is_expired, "expired ", ""),
                local_time(row.expires, empty="no expiry"),
                color_scheme=rx.cond(row.is_expired, "red", "gray"),
                size="2",
            ),
            white_space="nowrap",
        ),
        rx.table.cell(
            rx.button(
                "Revoke",
                size="1",
                variant="soft",
                color_scheme="red",
                aria_label="Revoke " + row.name,
                on_click=TokensState.start_revoke(row.id, row.name),
            )
        ),
        data_token=row.name,
    )


def _token_list() -> rx.Component:
    return data_table(
        (
            "Name",
            "Starts with",
            "Created",
            "Last used",
            "Expires",
            rx.text("Actions", class_name="hearth-sr-only"),
        ),
        TokensState.tokens,
        _token_row,
        empty="You have no API tokens.",
        size="2",
    )


def tokens_page() -> rx.Component:
    """Signed-in people only (checked on the server by every handler)."""
    return rx.box(
        page_header("API tokens", TokensState.username),
        rx.text(
            "An app built on assistant-ui or the AI SDK's useChat talks to Hearth as you with a "
            "token: it sends ",
            rx.code("Authorization: Bearer <token>"),
            " to ",
            rx.code("/api/chat"),
            ". The API is described at ",
            rx.link("/api/openapi.json", href="/api/openapi.json", is_external=True),
            ". Revoke a token you no longer use; apps using it are refused at once.",
            size="2",
            color_scheme="gray",
        ),
        rx.cond(TokensState.new_token != "", _new_token()),
        _create_form(),
        _token_list(),
        confirm_dialog(
            "Revoke token?",
            "Apps using “" + TokensState.revoking_name + "” will be refused from their next "
            "request. This cannot be undone.",
            "Revoke",
            open=TokensState.revoking_id != 0,
            on_cancel=TokensState.cancel_revoke,
            on_confirm=TokensState.confirm_revoke,
        ),
        class_name="tokens-page",
    )
