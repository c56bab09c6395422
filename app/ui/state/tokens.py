"""`/tokens`: a person's API tokens — create one (shown once), see when each was used, revoke."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import reflex as rx

from app.accounts.api_tokens import (
    MAX_LIFETIME_DAYS,
    create_api_token,
    is_expired,
    list_api_tokens,
    revoke_api_token,
)
from app.accounts.errors import AccountError, InvalidTokenExpiry
from app.db.models import ApiToken, User, utcnow
from app.services import get_services
from app.ui.moments import iso_utc
from app.ui.state.auth import AuthState, signed_in

TOKENS_ROUTE = "/tokens"


@dataclass
class TokenRow:
    """One live token as the list shows it (never the token itself)."""

    id: int
    name: str
    prefix: str
    # Moments as ISO 8601 UTC ("" for never), shown in the reader's zone.
    created: str
    last_used: str
    expires: str
    is_expired: bool


# What the create form offers: label -> days ("" = never).
EXPIRY_CHOICES = {
    "Never expires": "",
    "Expires in 7 days": "7",
    "Expires in 30 days": "30",
    "Expires in 90 days": "90",
    "Expires in 1 year": "365",
}


def _row(token: ApiToken, now: datetime) -> TokenRow:
    return TokenRow(
        id=token.id or 0,
        name=token.name,
        prefix=token.prefix + "…",
        created=iso_utc(token.created_at),
        last_used=iso_utc(token.last_used_at) if token.last_used_at else "",
        expires=iso_utc(token.expires_at) if token.expires_at else "",
        is_expired=is_expired(token, now),
    )


def _expiry_days(value: object) -> int | None:
    """The form's choice as days (None: never); anything else is passed on to be refused."""
    text = str(value or "").strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise InvalidTokenExpiry(text, MAX_LIFETIME_DAYS) from None


class TokensState(AuthState):
    """The token list, the create form, the token just made, and the revoke dialog."""

    tokens: list[TokenRow] = []
    name_error: str = ""
    # The token just created: shown once, until the person dismisses it or leaves the page.
    new_token: str = ""
    new_token_name: str = ""
    revoking_id: int = 0
    revoking_name: str = ""

    async def _load(self, user_id: int) -> None:
        async with get_services().sessions() as session:
            tokens = await list_api_tokens(session, user_id)
        now = utcnow()
        self.tokens = [_row(t, now) for t in tokens]

    @rx.event
    @signed_in
    async def open_tokens(self, user: User):
        """Signed-in people only; a token shown earlier is not shown again."""
        self.new_token, self.new_token_name, self.name_error = "", "", ""
        self.revoking_id = 0
        await self._load(user.id or 0)
        return

    @rx.event
    @signed_in
    async def create(self, user: User, form_data: dict):
        """Make a token with the typed name and show it once."""
        try:
            async with get_services().sessions() as session:
                row, token = await create_api_token(
                    session,
                    user.id or 0,
                    str(form_data.get("name", "")),
                    _expiry_days(form_data.get("expires_in_days")),
                )
        except AccountError as exc:
            self.name_error = str(exc)
            return
        self.name_error = ""
        self.new_token, self.new_token_name = token, row.name
        await self._load(user.id or 0)
        return

    @rx.event
    def dismiss_new_token(self) -> None:
        """Forget the new token (it cannot be shown again)."""
        self.new_token, self.new_token_name = "", ""

    @rx.event
    def start_revoke(self, token_id: int, name: str) -> None:
        """Ask before revoking."""
        self.revoking_id, self.revoking_name = token_id, name

    @rx.event
    def cancel_revoke(self) -> None:
        """Keep the token."""
        self.revoking_id, self.revoking_name = 0, ""

    @rx.event
    @signed_in
    async def confirm_revoke(self, user: User):
        """Revoke: every app using the token is refused from its next request."""
        token_id, name = self.revoking_id, self.revoking_name
        self.revoking_id, self.revoking_name = 0, ""
        try:
            async with get_services().sessions() as session:
                await revoke_api_token(session, user.id or 0, token_id)
        except AccountError as exc:
            await self._load(user.id or 0)
            return rx.toast.error(str(exc))
        await self._load(user.id or 0)
        return rx.toast.success(f"Revoked “{name}”; apps using it are refused from now on.")
