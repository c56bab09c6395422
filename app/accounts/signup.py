"""Who may have an account: open or closed sign-up, the first account as the admin, people
created and promoted by admins."""

from __future__ import annotations

import logging

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.accounts.audit import AuditKind, note
from app.accounts.errors import LastAdmin, SignupClosed, UnknownPerson
from app.accounts.passwords import hash_password
from app.accounts.users import (
    check_password,
    check_username,
    count_admins,
    create_user,
    has_accounts,
    normalize_username,
)
from app.db.models import AppSetting, User, utcnow
from app.db.statuses import UserRole

logger = logging.getLogger(__name__)

SIGNUP_KEY = "signup"
# Inserted with the first account that signs up; the key is unique, so only one wins.
FIRST_ADMIN_KEY = "first_admin"


async def signup_is_open(session: AsyncSession, default_open: bool) -> bool:
    """Whether anyone may create an account: the admins' switch, else HEARTH_SIGNUP."""
    row = await session.get(AppSetting, SIGNUP_KEY, populate_existing=True)
    return default_open if row is None else row.value == "open"


async def set_signup_open(session: AsyncSession, is_open: bool, admin: User) -> None:
    """The admins' switch (it wins over HEARTH_SIGNUP from now on)."""
    row = await session.get(AppSetting, SIGNUP_KEY) or AppSetting(key=SIGNUP_KEY, value="")
    row.value, row.updated_by, row.updated_at = (
        "open" if is_open else "closed",
        admin.id,
        utcnow(),
    )
    session.add(row)
    note(
        session,
        AuditKind.signup_opened if is_open else AuditKind.signup_closed,
        actor_id=admin.id,
    )
    await session.commit()
    logger.info("Admin %s turned sign-up %s", admin.id, row.value)


async def register(
    session: AsyncSession, username: str, password: str, *, default_open: bool, source: str = ""
) -> User:
    """Sign-up: a new account, the admin if it is the install's first."""
    if not await signup_is_open(session, default_open):
        raise SignupClosed
    name = check_username(username)
    check_password(password, name)
    if not await has_accounts(session):
        user = User(username=name, password_hash=await hash_password(password), role="admin")
        session.add_all([AppSetting(key=FIRST_ADMIN_KEY, value=name), user])
        note(session, AuditKind.signup, name, source=source, detail="role admin (first account)")
        try:
            await session.commit()
        except IntegrityError:
            # Someone else signed up first (the claim), or took this name: an ordinary account.
            await session.rollback()
        else:
            logger.info("The first account, %s, is the admin", user.id)
            return user
    return await create_user(
        session, name, password, UserRole.user, kind=AuditKind.signup, source=source
    )


async def create_person(
    session: AsyncSession, username: str, password: str, role: UserRole, admin: User
) -> User:
    """An account an admin makes (open or closed sign-up alike)."""
    return await create_user(session, username, password, role, actor_id=admin.id)


async def list_people(session: AsyncSession) -> list[User]:
    """Every account, alphabetically."""
    return list((await session.exec(select(User).order_by(col(User.username)))).all())


async def set_role(session: AsyncSession, username: str, role: UserRole, admin: User) -> User:
    """Make someone an admin or a user; the last admin cannot step down, even when two admins
    step each other down at the same moment."""
    name = normalize_username(username)
    # Concurrent role changes take turns from here: Postgres locks the admins' rows, and the
    # (no-op) write takes SQLite's one write lock, so what is read next is what was committed.
    await session.exec(select(User.id).where(User.role == UserRole.admin).with_for_update())
    await session.exec(update(User).where(col(User.username) == name).values(role=User.role))
    query = select(User).where(User.username == name).execution_options(populate_existing=True)
    user = (await session.exec(query)).first()
    # Commit (nothing changed), not roll back, when nothing is to be done: a rollback would
    # expire the caller's rows.
    if user is None or user.role == role:
        await session.commit()
        if user is None:
            raise UnknownPerson(name)
        return user
    if user.role == UserRole.admin and await count_admins(session) < 2:
        await session.commit()
        raise LastAdmin(name)
    note(session, AuditKind.role_changed, name, actor_id=admin.id, detail=f"{user.role} → {role}")
    user.role = role
    session.add(user)
    await session.commit()
    logger.info("Admin %s made account %s %s", admin.id, user.id, role)
    return user
