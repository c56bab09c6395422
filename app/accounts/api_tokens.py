"""API tokens: per-person bearer tokens for the HTTP API, stored only as hashes, revocable.

A token is shown once, when it is created; the database keeps its SHA-256 and its first
characters (so a person can tell their tokens apart in the list).
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.accounts.audit import AuditKind, note
from app.accounts.errors import (
    InvalidTokenExpiry,
    InvalidTokenName,
    TokenNotFound,
    TooManyAttempts,
    TooManyTokens,
)
from app.accounts.sessions import token_digest
from app.accounts.sources import source_key
from app.accounts.throttle import Bucket, Limit, reserve, wait_for
from app.db.models import ApiToken, User, utcnow

logger = logging.getLogger(__name__)

TOKEN_PREFIX = "hth_"
MAX_NAME_CHARS = 60
MAX_LIVE_TOKENS = 20
MAX_LIFETIME_DAYS = 3650
_SHOWN_CHARS = 12
# `last_used_at` is written at most this often per token (not on every request).
_USE_RESOLUTION = timedelta(minutes=1)
# Failed token checks from one address: 10, then waits of 1, 2, 4 ... up to 60 minutes.
FAILED_TOKENS_FROM_SOURCE = Limit(
    free_attempts=10, first_wait_s=60, max_wait_s=3600, forget_after_s=3600
)


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise InvalidTokenName("Give the token a name, such as the app that will use it.")
    if len(name) > MAX_NAME_CHARS:
        raise InvalidTokenName(
            f"A token name is at most {MAX_NAME_CHARS} characters; this one has {len(name)}."
        )
    return name


async def create_api_token(
    session: AsyncSession, user_id: int, name: str, expires_in_days: int | None = None
) -> tuple[ApiToken, str]:
    """A new token for the person: its row and the token itself (shown once). It works until
    revoked, or for `expires_in_days` days."""
    name = _clean_name(name)
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_LIFETIME_DAYS:
        raise InvalidTokenExpiry(expires_in_days, MAX_LIFETIME_DAYS)
    now = utcnow()
    live = [t for t in await list_api_tokens(session, user_id) if not is_expired(t, now)]
    if len(live) >= MAX_LIVE_TOKENS:
        raise TooManyTokens(MAX_LIVE_TOKENS)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user_id,
        name=name,
        token_hash=token_digest(token),
        prefix=token[:_SHOWN_CHARS],
        created_at=now,
        expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    session.add(row)
    note(session, AuditKind.token_created, await _username(session, user_id), detail=name)
    await session.commit()
    await session.refresh(row)
    return row, token


def is_expired(token: ApiToken, now: datetime) -> bool:
    """Whether the token's lifetime is over."""
    return token.expires_at is not None and token.expires_at <= now


async def list_api_tokens(session: AsyncSession, user_id: int) -> list[ApiToken]:
    """The person's tokens not revoked (expired ones too, until revoked), newest first."""
    query = (
        select(ApiToken)
        .where(ApiToken.user_id == user_id, col(ApiToken.revoked_at).is_(None))
        .order_by(col(ApiToken.id).desc())
    )
    return list((await session.exec(query)).all())


async def revoke_api_token(session: AsyncSession, user_id: int, token_id: int) -> ApiToken:
    """Stop one of the person's tokens working, at once, on every worker."""
    row = await session.get(ApiToken, token_id)
    if row is None or row.user_id != user_id or row.revoked_at is not None:
        raise TokenNotFound()
    row.revoked_at = utcnow()
    note(session, AuditKind.token_revoked, await _username(session, user_id), detail=row.name)
    await session.commit()
    return row


async def _username(session: AsyncSession, user_id: int) -> str:
    return (await session.exec(select(User.username).where(User.id == user_id))).first() or ""


async def user_for_api_token(
    session: AsyncSession, token: str, now: datetime | None = None
) -> User | None:
    """The token's owner, or None for an unknown, revoked or expired token."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    now = now or utcnow()
    query = (
        select(ApiToken, User)
        .join(User, col(User.id) == col(ApiToken.user_id))
        .where(ApiToken.token_hash == token_digest(token), col(ApiToken.revoked_at).is_(None))
    )
    found = (await session.exec(query)).first()
    if found is None:
        return None
    row, user = found
    if is_expired(row, now):
        return None
    if row.last_used_at is None or now - row.last_used_at >= _USE_RESOLUTION:
        row.last_used_at = now
        await session.commit()
    return user


async def user_for_api_token_from(
    session: AsyncSession, token: str, source: str, now: datetime | None = None
) -> User | None:
    """The token's owner, or None; TooManyAttempts while the address must wait after failed
    checks. A failure is counted atomically, so a burst of guesses is cut at the limit."""
    now = now or utcnow()
    bucket = Bucket(f"api-src:{source_key(source) if source else ''}", FAILED_TOKENS_FROM_SOURCE)
    if wait := await wait_for(session, bucket, now):
        raise TooManyAttempts(wait, "API tokens")
    user = await user_for_api_token(session, token, now)
    if user is None:
        try:
            lockouts = await reserve(session, [bucket], now)
        except TooManyAttempts as exc:
            raise TooManyAttempts(exc.retry_after_s, "API tokens") from None
        logger.warning("Unknown API token from %s", source or "an unknown address")
        for _, wait_s in lockouts:
            note(session, AuditKind.api_token_locked, source=source, detail=f"waits {wait_s} s")
            await session.commit()
    return user
