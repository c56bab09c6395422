"""Thumbs up or down on assistant replies: rating your own, and the list an admin reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.assistant.errors import AssistantError
from app.assistant.message_parts import message_text
from app.db.models import Feedback, Message, Thread, User
from app.db.statuses import Rating, Role

EXCERPT_CHARS = 120
_ALLOWED = ", ".join(f"'{r}'" for r in Rating)


class MessageNotFound(AssistantError):
    """A message that is not in one of the person's threads (missing or someone else's)."""

    def __init__(self, message_id: int) -> None:
        self.message_id = message_id
        super().__init__(f"Message {message_id} is not in your threads.")


class NotRateable(AssistantError):
    """A message that cannot be rated: only assistant replies can."""

    def __init__(self, message_id: int, role: str) -> None:
        self.message_id = message_id
        self.role = role
        super().__init__(
            f"Message {message_id} is a {role} message; only assistant replies can be rated."
        )


class InvalidRating(AssistantError):
    """A rating that is not one of the allowed values."""

    def __init__(self, rating: object) -> None:
        self.rating = rating
        super().__init__(f"Rating {rating!r} is not allowed; use {_ALLOWED}, or none to remove it.")


@dataclass(frozen=True)
class FeedbackRow:
    """One rating as the admin list shows it."""

    id: int
    created_at: datetime
    username: str
    thread_id: int
    thread_title: str
    message_id: int
    rating: str
    excerpt: str


def check_rating(rating: object) -> Rating:
    """The rating as a `Rating`, or InvalidRating naming the allowed values."""
    if not isinstance(rating, str) or rating not in set(Rating):
        raise InvalidRating(rating)
    return Rating(rating)


def excerpt(parts: list[dict[str, Any]]) -> str:
    """A message's text on one line, cut to EXCERPT_CHARS with '…'."""
    text = " ".join(message_text(parts).split())
    if len(text) <= EXCERPT_CHARS:
        return text
    return text[: EXCERPT_CHARS - 1].rstrip() + "…"


def _insert(session: AsyncSession) -> Callable[..., Any]:
    """The dialect's INSERT, which knows ON CONFLICT (SQLite and Postgres)."""
    dialect = session.get_bind().dialect.name
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


async def rate_message(
    session: AsyncSession, user_id: int, message_id: int, rating: str | None
) -> str | None:
    """Rate an assistant reply in one of your threads ('up', 'down', None to remove); commits."""
    stored = None if rating is None else check_rating(rating)
    row = (
        await session.exec(
            select(Message.role)
            .join(Thread, col(Thread.id) == Message.thread_id)
            .where(
                Message.id == message_id,
                Thread.user_id == user_id,
                col(Thread.deleted_at).is_(None),
            )
        )
    ).first()
    if row is None:
        raise MessageNotFound(message_id)
    if row != Role.assistant:
        raise NotRateable(message_id, row)
    if stored is None:
        await session.exec(
            delete(Feedback).where(
                col(Feedback.message_id) == message_id, col(Feedback.user_id) == user_id
            )
        )
    else:
        # One statement, so two quick clicks cannot both insert.
        upsert = _insert(session)(Feedback).values(
            message_id=message_id, user_id=user_id, rating=stored.value
        )
        await session.exec(
            upsert.on_conflict_do_update(
                index_elements=["message_id", "user_id"], set_={"rating": stored.value}
            )
        )
    await session.commit()
    return None if stored is None else stored.value


async def ratings_for(
    session: AsyncSession, user_id: int, message_ids: list[int]
) -> dict[int, str]:
    """The person's ratings of these messages, by message id (unrated ones left out)."""
    if not message_ids:
        return {}
    query = select(Feedback.message_id, Feedback.rating).where(
        Feedback.user_id == user_id, col(Feedback.message_id).in_(message_ids)
    )
    return dict((await session.exec(query)).all())


async def list_feedback(
    session: AsyncSession,
    *,
    rating: str | None = None,
    before_id: int | None = None,
    limit: int = 50,
) -> list[FeedbackRow]:
    """Every rating, newest first; page on with the last id shown as `before_id`."""
    query = (
        select(Feedback, User.username, Thread.id, Thread.title, Message.parts)
        .join(User, col(User.id) == Feedback.user_id)
        .join(Message, col(Message.id) == Feedback.message_id)
        .join(Thread, col(Thread.id) == Message.thread_id)
    )
    if rating is not None:
        query = query.where(Feedback.rating == check_rating(rating).value)
    if before_id is not None:
        query = query.where(col(Feedback.id) < before_id)
    query = query.order_by(col(Feedback.id).desc()).limit(limit)
    return [
        FeedbackRow(
            id=feedback.id or 0,
            created_at=feedback.created_at,
            username=username,
            thread_id=thread_id or 0,
            thread_title=title,
            message_id=feedback.message_id,
            rating=feedback.rating,
            excerpt=excerpt(parts),
        )
        for feedback, username, thread_id, title, parts in (await session.exec(query)).all()
    ]
