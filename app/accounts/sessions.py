"""Sign-in sessions: opaque random tokens, stored only as hashes, expiring and revocable."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.models import AuthSession, User, utcnow

SESSION_LIFETIME = timedelta(days=7)


def token_digest(token: str) -> str:
    """What is stored of a session token."""
    # A stolen database must not hand out live sessions: keep only the token's hash.
    return hashlib.sha256(token.encode()).hexdigest()


async def start_session(
    session: AsyncSession, user: User, lifetime: timedelta = SESSION_LIFETIME
) -> str:
    """A new token for the user's browser (shown once, never stored as is)."""
    token = secrets.token_urlsafe(32)
    session.add(
        AuthSession(
            token_hash=token_digest(token), user_id=user.id or 0, expires_at=utcnow() + lifetime
        )
    )
    await session.commit()
    return token


async def user_for_token(session: AsyncSession, token: str) -> User | None:
    """The signed-in user, or None for an unknown, expired or revoked token."""
    if not token:
        return None
    query = (
        select(User)
        .join(AuthSession, col(AuthSession.user_id) == col(User.id))
        .where(
            AuthSession.token_hash == token_digest(token),
            col(AuthSession.revoked_at).is_(None),
            col(AuthSession.expires_at) > utcnow(),
        )
    )
    return (await session.exec(query)).first()


async def end_session(session: AsyncSession, token: str) -> None:
    """Sign out: the token stops working at once, on every worker."""
    row = (
        await session.exec(select(AuthSession).where(AuthSession.token_hash == token_digest(token)))
    ).first()
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()
        await session.commit()
