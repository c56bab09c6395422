"""People: sign-up rules, and sign-in with a rate limit shared by every worker."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.accounts.errors import (
    InvalidCredentials,
    InvalidUsername,
    TooManyAttempts,
    UsernameTaken,
    WeakPassword,
)
from app.accounts.passwords import hash_password, needs_rehash, verify_password
from app.db.models import LoginAttempt, User, UserRole, utcnow

logger = logging.getLogger(__name__)

MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_CHARS = 1024
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
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


def check_password(password: str) -> str:
    """The password, or WeakPassword saying what is allowed."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise WeakPassword(
            f"A password needs at least {MIN_PASSWORD_CHARS} characters; this one has "
            f"{len(password)}."
        )
    if len(password) > MAX_PASSWORD_CHARS:
        raise WeakPassword(f"A password can have at most {MAX_PASSWORD_CHARS} characters.")
    return password


async def create_user(
    session: AsyncSession, username: str, password: str, role: UserRole = UserRole.user
) -> User:
    """A new account with a hashed password."""
    name = check_username(username)
    check_password(password)
    if (await session.exec(select(User).where(User.username == name))).first() is not None:
        raise UsernameTaken(name)
    user = User(username=name, password_hash=await hash_password(password), role=role)
    session.add(user)
    await session.commit()
    logger.info("Created %s account %s", role, user.id)
    return user


async def count_admins(session: AsyncSession) -> int:
    """How many admins there are."""
    query = select(func.count()).select_from(User).where(User.role == UserRole.admin)
    return int((await session.exec(query)).one())


async def _recent_failures(session: AsyncSession, name: str) -> list[LoginAttempt]:
    since = utcnow() - FAILURE_WINDOW
    query = (
        select(LoginAttempt)
        .where(
            LoginAttempt.username == name,
            col(LoginAttempt.succeeded).is_(False),
            col(LoginAttempt.created_at) >= since,
        )
        .order_by(col(LoginAttempt.created_at))
    )
    return list((await session.exec(query)).all())


async def authenticate(session: AsyncSession, username: str, password: str) -> User:
    """The user these credentials belong to; every attempt is recorded for the rate limit."""
    name = normalize_username(username)
    failures = await _recent_failures(session, name)
    if len(failures) >= MAX_FAILURES:
        oldest = failures[-MAX_FAILURES].created_at
        wait = int((oldest + FAILURE_WINDOW - utcnow()).total_seconds()) + 1
        raise TooManyAttempts(max(wait, 1))
    user = (await session.exec(select(User).where(User.username == name))).first()
    matches = await verify_password(user.password_hash if user else _DUMMY_HASH, password)
    session.add(LoginAttempt(username=name[:40], succeeded=bool(user and matches)))
    if user is None or not matches:
        await session.commit()
        raise InvalidCredentials
    if needs_rehash(user.password_hash):
        user.password_hash = await hash_password(password)
    await session.commit()
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
