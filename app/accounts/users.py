"""People: sign-up rules, and sign-in behind throttles shared by every worker."""

from __future__ import annotations

import logging
import re
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.accounts.audit import AuditKind, note
from app.accounts.errors import (
    InvalidCredentials,
    InvalidUsername,
    TooManyAttempts,
    UsernameTaken,
    WeakPassword,
)
from app.accounts.passwords import hash_password, needs_rehash, verify_password, weakness
from app.accounts.sources import source_key
from app.accounts.throttle import Bucket, Limit, release, reserve
from app.db.models import LoginAttempt, User, utcnow
from app.db.statuses import UserRole

logger = logging.getLogger(__name__)

MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_CHARS = 1024
# One name from one address: 5 tries, then waits of 1, 2, 4 ... up to 15 minutes.
NAME_FROM_SOURCE = Limit(free_attempts=5, first_wait_s=60, max_wait_s=900, forget_after_s=3600)
# One address, whatever names it tries (guesses spread over many names).
SOURCE = Limit(free_attempts=20, first_wait_s=60, max_wait_s=3600, forget_after_s=3600)
# One name from addresses it never signed in from (guesses spread over many addresses).
NAME_FROM_NEW_SOURCES = Limit(
    free_attempts=10, first_wait_s=60, max_wait_s=900, forget_after_s=3600
)
MAX_FAILURES = NAME_FROM_SOURCE.free_attempts
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,39}")
# Verified against when the username is unknown, so both cases take the same time.
_DUMMY_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$MSTPXSSYSYfNtKe5DVx+yw$"
    "M/bMT9rcZxbBKpb8hSqEBcUu/eEDzgPwhHJu83+qwU8"
)


def normalize_username(username: str) -> str:
    """Usernames compare without case or surrounding spaces."""
    return username.strip().lower()


def check_username(username: str) -> str:
    """The normalized username, or InvalidUsername saying what is allowed."""
    name = normalize_username(username)
    if not _USERNAME.fullmatch(name):
        raise InvalidUsername(
            f"'{username.strip()}' is not a valid username; use 3 to 40 letters, digits, "
            "dots, dashes or underscores, starting with a letter or digit."
        )
    return name


def check_password(password: str, username: str = "") -> str:
    """The password, or WeakPassword saying why not and what would do."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise WeakPassword(
            f"A password needs at least {MIN_PASSWORD_CHARS} characters; this one has "
            f"{len(password)}."
        )
    if len(password) > MAX_PASSWORD_CHARS:
        raise WeakPassword(f"A password can have at most {MAX_PASSWORD_CHARS} characters.")
    if why := weakness(password, [username, "hearth"]):
        raise WeakPassword(
            f"That password is too easy to guess. {why} A few unrelated words make a strong "
            "password that is easy to remember."
        )
    return password


async def create_user(
    session: AsyncSession,
    username: str,
    password: str,
    role: UserRole = UserRole.user,
    *,
    kind: AuditKind = AuditKind.account_created,
    actor_id: int | None = None,
    source: str = "",
) -> User:
    """A new account with a hashed password (noted in the audit trail as `kind`)."""
    name = check_username(username)
    check_password(password, name)
    if (await session.exec(select(User).where(User.username == name))).first() is not None:
        raise UsernameTaken(name)
    user = User(username=name, password_hash=await hash_password(password), role=role)
    session.add(user)
    note(session, kind, name, actor_id=actor_id, source=source, detail=f"role {role}")
    await session.commit()
    logger.info("Created %s account %s", role, user.id)
    return user


async def count_admins(session: AsyncSession) -> int:
    """How many admins there are."""
    query = select(func.count()).select_from(User).where(User.role == UserRole.admin)
    return int((await session.exec(query)).one())


def signin_buckets(name: str, source: str, known_source: bool) -> list[Bucket]:
    """What one sign-in attempt counts against: the name from this address, the address (any
    names), and the name from anywhere, unless the name signed in from this address before
    (so a stranger's guesses never lock the owner out of a place they use)."""
    buckets = [
        Bucket(f"name-src:{name}|{source}", NAME_FROM_SOURCE, "this name from this address"),
        Bucket(f"src:{source}", SOURCE, "this address, any name"),
    ]
    if not known_source:
        buckets.append(
            Bucket(f"name:{name}", NAME_FROM_NEW_SOURCES, "this name from new addresses")
        )
    return buckets


async def signed_in_from(session: AsyncSession, name: str, source: str) -> bool:
    """Whether the name signed in successfully from this address before."""
    if not source:
        return False
    query = select(LoginAttempt.id).where(
        LoginAttempt.username == name,
        LoginAttempt.source == source,
        col(LoginAttempt.succeeded).is_(True),
    )
    return (await session.exec(query.limit(1))).first() is not None


async def authenticate(
    session: AsyncSession,
    username: str,
    password: str,
    *,
    source: str = "",
    now: datetime | None = None,
) -> User:
    """The user these credentials belong to. The attempt is counted by the throttles before
    the password is checked (TooManyAttempts when one is waiting), and recorded after."""
    name = normalize_username(username)[:40]
    source = source_key(source) if source else ""
    now = now or utcnow()
    buckets = signin_buckets(name, source, await signed_in_from(session, name, source))
    try:
        lockouts = await reserve(session, buckets, now)
    except TooManyAttempts as exc:
        logger.warning("Sign-in to %r refused for %s s (throttled)", name, exc.retry_after_s)
        raise
    user = (await session.exec(select(User).where(User.username == name))).first()
    matches = await verify_password(user.password_hash if user else _DUMMY_HASH, password)
    succeeded = bool(user and matches)
    session.add(LoginAttempt(username=name, source=source, succeeded=succeeded, created_at=now))
    if user is None or not matches:
        note(session, AuditKind.signin_failed, name, source=source)
        for bucket, wait_s in lockouts:
            note(
                session,
                AuditKind.signin_locked,
                name,
                source=source,
                detail=f"waits {wait_s} s ({bucket.what})",
            )
            logger.warning("Sign-in locked for %s s: %s", wait_s, bucket.what)
        await session.commit()
        raise InvalidCredentials
    if needs_rehash(user.password_hash):
        user.password_hash = await hash_password(password)
    await session.commit()
    await release(session, buckets, now, clear=[buckets[0].key])
    return user


async def has_accounts(session: AsyncSession) -> bool:
    """Whether anyone has an account yet (a fresh install has none)."""
    return (await session.exec(select(User.id).limit(1))).first() is not None


async def list_usernames(session: AsyncSession) -> list[str]:
    """Every username, alphabetically (for the admin's filters)."""
    return list((await session.exec(select(User.username).order_by(col(User.username)))).all())


async def user_id_for(session: AsyncSession, username: str) -> int | None:
    """The id of a username, or None."""
    query = select(User.id).where(User.username == normalize_username(username))
    return (await session.exec(query)).first()
