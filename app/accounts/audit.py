"""The accounts audit trail: what happened to whose account, from where, by whom. Events are
added to the caller's session and committed with the change they describe; no secret (a
password, a token) is ever part of one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.models import AuditEvent, User


class AuditKind(StrEnum):
    """What happened."""

    signin_failed = "signin_failed"
    signin_locked = "signin_locked"
    api_token_locked = "api_token_locked"
    signup = "signup"
    account_created = "account_created"
    role_changed = "role_changed"
    signup_opened = "signup_opened"
    signup_closed = "signup_closed"
    token_created = "token_created"
    token_revoked = "token_revoked"


def note(
    session: AsyncSession,
    kind: AuditKind,
    username: str = "",
    *,
    actor_id: int | None = None,
    source: str = "",
    detail: str = "",
) -> None:
    """Add an event to the session (the caller's commit stores it with its change)."""
    session.add(
        AuditEvent(
            kind=kind,
            username=username[:40],
            actor_id=actor_id,
            source=source[:64],
            detail=detail[:200],
        )
    )


@dataclass(frozen=True)
class AuditRow:
    """One event as admins read it."""

    id: int
    kind: str
    username: str
    actor: str
    source: str
    detail: str
    created_at: datetime


async def recent_events(session: AsyncSession, limit: int = 100, kind: str = "") -> list[AuditRow]:
    """The newest events first (of one kind, if given)."""
    actor = aliased(User)
    query = (
        select(AuditEvent, actor.username)
        .outerjoin(actor, col(actor.id) == col(AuditEvent.actor_id))
        .order_by(col(AuditEvent.id).desc())
        .limit(limit)
    )
    if kind:
        query = query.where(AuditEvent.kind == kind)
    return [
        AuditRow(e.id or 0, e.kind, e.username, name or "", e.source, e.detail, e.created_at)
        for e, name in (await session.exec(query)).all()
    ]
