"""The audit trail: sign-ins that failed, lockouts, sign-ups, role changes, API tokens; never
a secret."""

from __future__ import annotations

import pytest

from app.accounts.api_tokens import create_api_token, revoke_api_token
from app.accounts.audit import recent_events
from app.accounts.errors import InvalidCredentials, TooManyAttempts
from app.accounts.signup import register, set_role, set_signup_open
from app.accounts.users import MAX_FAILURES, authenticate
from app.db.session import SessionFactory
from app.db.statuses import UserRole

PASSWORD = "kettle on the hob"


async def test_account_events_are_recorded_without_secrets(sessions: SessionFactory) -> None:
    async with sessions() as session:
        ada = await register(session, "ada", PASSWORD, default_open=True)
        bob = await register(session, "bob", PASSWORD, default_open=True)
        for _ in range(MAX_FAILURES):
            with pytest.raises(InvalidCredentials):
                await authenticate(session, "bob", "secret guess", source="203.0.113.9")
        with pytest.raises(TooManyAttempts):
            await authenticate(session, "bob", "secret guess", source="203.0.113.9")
        await set_role(session, "bob", UserRole.admin, ada)
        await set_signup_open(session, False, ada)
        row, token = await create_api_token(session, bob.id or 0, "laptop")
        await revoke_api_token(session, bob.id or 0, row.id or 0)
        events = await recent_events(session)
    kinds = [e.kind for e in reversed(events)]
    assert kinds == [
        "signup",
        "signup",
        *["signin_failed"] * MAX_FAILURES,
        "signin_locked",
        "role_changed",
        "signup_closed",
        "token_created",
        "token_revoked",
    ]
    failed = next(e for e in events if e.kind == "signin_failed")
    assert (failed.username, failed.source, failed.actor) == ("bob", "203.0.113.9", "")
    locked = next(e for e in events if e.kind == "signin_locked")
    assert "60 s" in locked.detail and locked.source == "203.0.113.9"
    role = next(e for e in events if e.kind == "role_changed")
    assert (role.username, role.actor, role.detail) == ("bob", "ada", "user → admin")
    for event in events:
        text = f"{event.detail} {event.username} {event.source}"
        assert "secret guess" not in text and PASSWORD not in text and token[4:] not in text
