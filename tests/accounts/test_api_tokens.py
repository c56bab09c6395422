"""API tokens: shown once, stored as hashes, named, limited, revocable by their owner only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from app.accounts.api_tokens import (
    MAX_LIVE_TOKENS,
    create_api_token,
    list_api_tokens,
    revoke_api_token,
    user_for_api_token,
)
from app.accounts.errors import InvalidTokenExpiry, InvalidTokenName, TokenNotFound, TooManyTokens
from app.db.models import ApiToken
from app.db.session import SessionFactory
from tests.support.people import person


async def test_a_token_finds_its_owner_and_only_its_hash_is_stored(
    sessions: SessionFactory,
) -> None:
    async with sessions() as session:
        alice = await person(session, "alice")
        row, token = await create_api_token(session, alice, "  my   laptop ")
        assert row.name == "my laptop" and token.startswith("hth_") and row.prefix == token[:12]
        stored = (await session.exec(select(ApiToken))).one()
        assert token not in (stored.token_hash, stored.prefix + "x")
        owner = await user_for_api_token(session, token)
        assert owner is not None and owner.id == alice
        assert (await session.get(ApiToken, row.id)).last_used_at is not None
        assert await user_for_api_token(session, token + "x") is None
        assert await user_for_api_token(session, "") is None


async def test_names_are_checked(sessions: SessionFactory) -> None:
    async with sessions() as session:
        alice = await person(session, "alice")
        with pytest.raises(InvalidTokenName, match="Give the token a name"):
            await create_api_token(session, alice, "   ")
        with pytest.raises(InvalidTokenName, match="at most 60 characters; this one has 61"):
            await create_api_token(session, alice, "x" * 61)


async def test_only_the_owner_revokes_and_the_number_is_limited(sessions: SessionFactory) -> None:
    async with sessions() as session:
        alice, bob = await person(session, "alice"), await person(session, "bob")
        rows = [
            (await create_api_token(session, alice, f"t{i}"))[0] for i in range(MAX_LIVE_TOKENS)
        ]
        with pytest.raises(TooManyTokens, match="revoke one"):
            await create_api_token(session, alice, "one more")
        with pytest.raises(TokenNotFound):
            await revoke_api_token(session, bob, rows[0].id or 0)
        await revoke_api_token(session, alice, rows[0].id or 0)
        with pytest.raises(TokenNotFound):
            await revoke_api_token(session, alice, rows[0].id or 0)
        assert len(await list_api_tokens(session, alice)) == MAX_LIVE_TOKENS - 1
        await create_api_token(session, alice, "one more")


async def test_a_token_given_an_expiry_stops_working_then(sessions: SessionFactory) -> None:
    async with sessions() as session:
        alice = await person(session, "alice")
        row, token = await create_api_token(session, alice, "for a week", expires_in_days=7)
        assert row.expires_at is not None
        assert timedelta(days=6.99) < row.expires_at - row.created_at <= timedelta(days=7)
        assert await user_for_api_token(session, token, now=row.created_at) is not None
        later = row.created_at + timedelta(days=7, seconds=1)
        assert await user_for_api_token(session, token, now=later) is None
        _, forever = await create_api_token(session, alice, "forever")
        assert await user_for_api_token(session, forever, now=later + timedelta(days=999))
        with pytest.raises(InvalidTokenExpiry, match="1 to 3650 days, or never"):
            await create_api_token(session, alice, "x", expires_in_days=0)
