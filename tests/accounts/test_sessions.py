"""Sign-in sessions: opaque, stored as hashes, expiring, revocable."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from app.accounts.sessions import end_session, start_session, user_for_token
from app.accounts.users import create_user
from app.db.models import AuthSession
from app.db.session import SessionFactory


async def test_a_token_finds_its_user_until_signed_out(sessions: SessionFactory) -> None:
    async with sessions() as session:
        user = await create_user(session, "frank", "kettle on the hob")
        token = await start_session(session, user)
        assert (await user_for_token(session, token)).id == user.id
        stored = (await session.exec(select(AuthSession))).one()
        assert token not in stored.token_hash and len(stored.token_hash) == 64
        await end_session(session, token)
        assert await user_for_token(session, token) is None


async def test_expired_and_unknown_tokens_find_nobody(sessions: SessionFactory) -> None:
    async with sessions() as session:
        user = await create_user(session, "grace", "kettle on the hob")
        token = await start_session(session, user, lifetime=timedelta(seconds=-1))
        assert await user_for_token(session, token) is None
        assert await user_for_token(session, "made-up") is None
        assert await user_for_token(session, "") is None
