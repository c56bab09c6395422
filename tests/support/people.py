"""People in test databases: a thread owner made without hashing a password, and what they
can be waiting for."""

from __future__ import annotations

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.assistant.runs import create_run
from app.assistant.threads import DEFAULT_TITLE, create_thread
from app.db.models import Run, Thread, ToolCall, User
from app.db.statuses import ToolCallStatus, UserRole


async def person(
    session: AsyncSession, username: str = "owner", role: UserRole = UserRole.user
) -> int:
    """The id of this person, created on first use (their password hash matches nothing)."""
    user = (await session.exec(select(User).where(User.username == username))).first()
    if user is None:
        user = User(username=username, password_hash="!", role=role)
        session.add(user)
        await session.commit()
    return user.id or 0


async def owned_thread(session: AsyncSession, title: str = DEFAULT_TITLE) -> Thread:
    """A new thread of the default owner."""
    return await create_thread(session, await person(session), title)


async def waiting_for_approval(
    session: AsyncSession, thread_id: int, user_id: int, text: str, call_id: str, arguments: str
) -> tuple[Run, ToolCall]:
    """A run in the thread, asked `text`, whose set_room_temperature call waits for the
    owner's Approve or Deny (no engine drives it)."""
    run, _, reply = await create_run(
        session, thread_id, user_id, text, max_steps=8, provider="test"
    )
    call = ToolCall(
        run_id=run.id or 0,
        message_id=reply.id or 0,
        call_id=call_id,
        name="set_room_temperature",
        arguments=arguments,
        status=ToolCallStatus.awaiting_approval,
    )
    session.add(call)
    await session.commit()
    return run, call
