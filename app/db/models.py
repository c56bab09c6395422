"""Every table Hearth stores: the only models module (Alembic migrations create them)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import JSON, Column, Field, SQLModel

from app.db.statuses import (
    LIVE_RUN_STATUSES,
    EffectSource,
    MessageStatus,
    RunStatus,
    ToolCallStatus,
    ToolMode,
    UserRole,
)


def utcnow() -> datetime:
    """Aware UTC now (SQLModel's UTCDateTime columns refuse naive values)."""
    return datetime.now(UTC)


# The database itself allows one live run per thread (a partial unique index): two requests
# racing to start a reply cannot both insert one, on SQLite or Postgres.
_LIVE_RUN = sa.text("status IN (" + ", ".join(f"'{s}'" for s in LIVE_RUN_STATUSES) + ")")


class User(SQLModel, table=True):
    """A person who signs in; usernames are stored lower-case, passwords only as hashes."""

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=40, unique=True, nullable=False)
    password_hash: str = Field(max_length=200, nullable=False)
    role: str = Field(default=UserRole.user, max_length=20)
    created_at: datetime = Field(default_factory=utcnow, nullable=False)


class AuthSession(SQLModel, table=True):
    """A signed-in browser: an opaque token (stored only as its SHA-256), expiring, revocable."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, nullable=False)
    user_id: int = Field(foreign_key="user.id", index=True, nullable=False)
    created_at: datetime = Field(default_factory=utcnow, nullable=False)
    expires_at: datetime = Field(nullable=False)
    revoked_at: datetime | None = Field(default=None)


class ApiToken(SQLModel, table=True):
    """A person's token for the HTTP API: stored only as its SHA-256, named, revocable."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, nullable=False)
    name: str = Field(max_length=60, nullable=False)
    token_hash: str = Field(max_length=64, unique=True, nullable=False)
    # The token's first characters, so a person can tell their tokens apart.
    prefix: str = Field(max_length=12, nullable=False)
    created_at: datetime = Field(default_factory=utcnow, nullable=False)
    last_used_at: datetime | None = Field(default=None)
    revoked_at: datetime | None = Field(default=None)
    # None: until revoked.
    expires_at: datetime | None = Field(default=None)


class LoginAttempt(SQLModel, table=True):
    """One checked sign-in attempt: the addresses a person signed in from before are known."""

    __table_args__ = (sa.Index("ix_loginattempt_username_source", "username", "source"),)

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=40, index=True, nullable=False)
    # The client's address (an IPv6 client's /64), or "" when it is not known.
    source: str = Field(default="", max_length=64, nullable=False)
    succeeded: bool = Field(default=False, nullable=False)
    created_at: datetime = Field(default_factory=utcnow, nullable=False, index=True)


class SigninThrottle(SQLModel, table=True):
    """One throttle bucket (an address, a name, a name from an address, API tokens from an
    address): failures counted before the check they allow, and the wait they impose."""

    key: str = Field(primary_key=True, max_length=120)
    failures: int = Field(default=0, nullable=False)
    last_attempt_at: datetime = Field(default_factory=utcnow, nullable=False)
    blocked_until: datetime | None = Field(default=None)


class AuditEvent(SQLModel, table=True):
    """Something that happened to an account (a failed sign-in, a lockout, a sign-up, a role
    change, an API token made or revoked), for admins; never holds a secret."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=30, index=True, nullable=False)
    # The account it concerns (as typed, for a sign-in to a name that does not exist).
    username: str = Field(default="", max_length=40, nullable=False)
    # Who did it, when it is not the person themselves (an admin).
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    source: str = Field(default="", max_length=64, nullable=False)
    detail: str = Field(default="", max_length=200, nullable=False)
    created_at: datetime = Field(default_factory=utcnow, nullable=False, index=True)


class AppSetting(SQLModel, table=True):
    """A setting admins change at run time (sign-up open or closed), or a one-time claim (the
    first account's admin role): one row per key, so the database decides who was first."""

    key: str = Field(primary_key=True, max_length=60)
    value: str = Field(max_length=200, nullable=False)
    updated_by: int | None = Field(default=None, foreign_key="user.id")
    updated_at: datetime = Field(default_factory=utcnow, nullable=False)


class Thread(SQLModel, table=True):
    """One conversation. Deleting hides it; its runs and effects stay in the ledger."""

    # An API client names its threads itself (useChat's `id`, assistant-ui's `threadId`).
    __table_args__ = (sa.UniqueConstraint("user_id", "client_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    client_id: str | None = Field(default=None, max_length=100)
    title: str = Field(default="New thread", max_length=200)
    created_at: datetime = Field(default_factory=utcnow, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, nullable=False, index=True)
    deleted_at: datetime | None = Field(default=None)
    # The last message of the branch on screen (app/assistant/branches.py); None: the newest.
    head_message_id: int | None = Field(default=None)


class Run(SQLModel, table=True):
    """One assistant run over a thread, with its status and heartbeat."""

    __table_args__ = (
        sa.Index(
            "uq_run_live_per_thread",
            "thread_id",
            unique=True,
            sqlite_where=_LIVE_RUN,
            postgresql_where=_LIVE_RUN,
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    thread_id: int = Field(foreign_key="thread.id", index=True, nullable=False)
    status: str = Field(default=RunStatus.queued, max_length=20, index=True)
    error: str | None = Field(default=None, sa_column=Column(sa.Text, nullable=True))
    step_count: int = Field(default=0, nullable=False)
    max_steps: int = Field(default=8, nullable=False)
    provider: str = Field(default="offline", max_length=40)
    created_at: datetime = Field(default_factory=utcnow, nullable=False)
    started_at: datetime | None = Field(default=None)
    ended_at: datetime | None = Field(default=None)
    heartbeat_at: datetime | None = Field(default=None)


class Message(SQLModel, table=True):
    """A user or assistant message; its content is an ordered list of typed parts (JSON)."""

    id: int | None = Field(default=None, primary_key=True)
    thread_id: int = Field(foreign_key="thread.id", index=True, nullable=False)
    run_id: int | None = Field(default=None, foreign_key="run.id", index=True)
    role: str = Field(max_length=20, nullable=False)
    parts: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    status: str = Field(default=MessageStatus.complete, max_length=20)
    created_at: datetime = Field(default_factory=utcnow, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, nullable=False)
    # Rooms the reply says it changed with no Effect of its run behind them: the reply is
    # marked "No change was made" and the model is told on its next turn.
    unbacked_rooms: list[str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    # The message before it on its branch (app/assistant/branches.py: None, the message
    # before it in the thread; 0, none); an edit or a regeneration is a sibling of the
    # message it replaces.
    parent_id: int | None = Field(default=None)


class ToolCall(SQLModel, table=True):
    """One tool call a run made: what was asked, what came back, and when."""

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="run.id", index=True, nullable=False)
    message_id: int = Field(foreign_key="message.id", index=True, nullable=False)
    call_id: str = Field(max_length=100, nullable=False)
    name: str = Field(max_length=100, nullable=False)
    arguments: str = Field(default="", sa_column=Column(sa.Text, nullable=False))
    status: str = Field(default=ToolCallStatus.pending, max_length=20)
    result: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    error: str | None = Field(default=None, sa_column=Column(sa.Text, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, nullable=False)
    started_at: datetime | None = Field(default=None)
    finished_at: datetime | None = Field(default=None)
    # Set while a call waits for approval ("ask first" tools), and by the decision.
    approval_expires_at: datetime | None = Field(default=None)
    # Why Hearth asks, when not only because of the tool's policy ("You asked a question;
    # change the kitchen to 19 °C?"), shown on the Approve / Deny card.
    approval_reason: str | None = Field(default=None, sa_column=Column(sa.Text, nullable=True))
    decided_by: int | None = Field(default=None, foreign_key="user.id")
    decided_at: datetime | None = Field(default=None)


class Room(SQLModel, table=True):
    """A room of the home and its current temperature; names are stored lower-case."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=60, unique=True, nullable=False)
    celsius: float = Field(nullable=False)
    min_celsius: float = Field(default=5.0, nullable=False)
    max_celsius: float = Field(default=35.0, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, nullable=False)


class Effect(SQLModel, table=True):
    """The ledger: one change to the home, written in the same transaction as the change."""

    id: int | None = Field(default=None, primary_key=True)
    # Kept by name: a removed room's history stays readable (its id becomes null).
    room_id: int | None = Field(default=None, foreign_key="room.id", index=True)
    room_name: str = Field(max_length=60, nullable=False)
    old_celsius: float = Field(nullable=False)
    new_celsius: float = Field(nullable=False)
    source: str = Field(default=EffectSource.assistant, max_length=20)
    # Who caused it: the thread's owner for the assistant, the admin, or who pressed Undo.
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    undoes_id: int | None = Field(default=None, foreign_key="effect.id", index=True)
    thread_id: int | None = Field(default=None, foreign_key="thread.id", index=True)
    run_id: int | None = Field(default=None, foreign_key="run.id")
    tool_call_id: int | None = Field(default=None, foreign_key="toolcall.id")
    created_at: datetime = Field(default_factory=utcnow, nullable=False, index=True)


class ToolPolicy(SQLModel, table=True):
    """How a tool runs; a tool without a row runs automatically."""

    tool_name: str = Field(primary_key=True, max_length=100)
    mode: str = Field(default=ToolMode.auto, max_length=10, nullable=False)
    updated_by: int | None = Field(default=None, foreign_key="user.id")
    updated_at: datetime = Field(default_factory=utcnow, nullable=False)


class Feedback(SQLModel, table=True):
    """Thumbs up or down from a person on an assistant message (one per person and message)."""

    __table_args__ = (sa.UniqueConstraint("message_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(foreign_key="message.id", index=True, nullable=False)
    user_id: int = Field(foreign_key="user.id", index=True, nullable=False)
    rating: str = Field(max_length=10, nullable=False)
    created_at: datetime = Field(default_factory=utcnow, nullable=False, index=True)


class Attachment(SQLModel, table=True):
    """A file a person attached to a message: its bytes, the media type sniffed from them,
    and (for a document) its text. Owned like the thread; deleted with it.

    Uploaded before the message is sent, it has no thread and no message yet (pending).
    """

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, nullable=False)
    thread_id: int | None = Field(default=None, foreign_key="thread.id", index=True)
    message_id: int | None = Field(default=None, foreign_key="message.id", index=True)
    name: str = Field(max_length=200, nullable=False)
    media_type: str = Field(max_length=100, nullable=False)
    size_bytes: int = Field(nullable=False)
    data: bytes = Field(sa_column=Column(sa.LargeBinary, nullable=False))
    # A document's text (a PDF's extracted); None for an image.
    text: str | None = Field(default=None, sa_column=Column(sa.Text, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, nullable=False)
