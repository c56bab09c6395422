"""Threads and their messages: create, list, rename, delete (hidden, kept for the ledger).

Every thread belongs to one person; each function takes the caller's user id and treats
another person's thread exactly like a missing one, so ids leak nothing.
"""

from __future__ import annotations

import re

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.assistant.errors import InvalidThreadRef, InvalidTitle, ThreadNotFound, ThreadRefTaken
from app.assistant.files.store import delete_thread_attachments
from app.db.changes import Change, note_change, thread_topic, threads_topic
from app.db.ids import MAX_ROW_ID, is_number, parse_row_id
from app.db.models import Message, Thread, utcnow
from app.db.text import text_problem

DEFAULT_TITLE = "New thread"
MAX_TITLE_CHARS = 80
_CLIENT_ID = re.compile(r"[A-Za-z0-9_-]{1,100}")


def title_from_text(text: str) -> str:
    """A thread title from its first message: the first line, shortened on a word."""
    line = " ".join(text.strip().splitlines()[0].split()) if text.strip() else ""
    if len(line) <= MAX_TITLE_CHARS:
        return line or DEFAULT_TITLE
    return line[: MAX_TITLE_CHARS - 1].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


async def create_thread(session: AsyncSession, user_id: int, title: str = DEFAULT_TITLE) -> Thread:
    """A new, empty thread of this person."""
    thread = Thread(user_id=user_id, title=title)
    session.add(thread)
    note_change(session, Change(threads_topic(user_id)))
    await session.commit()
    return thread


async def open_empty_thread(session: AsyncSession, user_id: int) -> Thread:
    """Their newest thread that has no messages yet, or a new one: no pile of empty threads."""
    has_messages = select(Message.id).where(Message.thread_id == Thread.id).exists()
    query = (
        select(Thread)
        .where(Thread.user_id == user_id, col(Thread.deleted_at).is_(None), ~has_messages)
        .order_by(col(Thread.id).desc())
        .limit(1)
    )
    thread = (await session.exec(query)).first()
    if thread is None:
        return await create_thread(session, user_id)
    thread.updated_at = utcnow()
    note_change(session, Change(threads_topic(user_id)))
    await session.commit()
    return thread


async def list_threads(session: AsyncSession, user_id: int, limit: int = 200) -> list[Thread]:
    """This person's undeleted threads, most recently active first."""
    query = (
        select(Thread)
        .where(Thread.user_id == user_id, col(Thread.deleted_at).is_(None))
        .order_by(col(Thread.updated_at).desc(), col(Thread.id).desc())
        .limit(limit)
    )
    return list((await session.exec(query)).all())


async def get_thread(session: AsyncSession, thread_id: int, user_id: int) -> Thread:
    """One of this person's undeleted threads."""
    thread = await session.get(Thread, thread_id)
    if thread is None or thread.deleted_at is not None or thread.user_id != user_id:
        raise ThreadNotFound(thread_id)
    return thread


async def rename_thread(session: AsyncSession, thread_id: int, user_id: int, title: str) -> Thread:
    """Give a thread a new title (1 to 80 characters)."""
    cleaned = " ".join(title.split())
    if not cleaned:
        raise InvalidTitle("A thread title cannot be empty; use 1 to 80 characters.")
    if len(cleaned) > MAX_TITLE_CHARS:
        raise InvalidTitle(
            f"A thread title can be at most {MAX_TITLE_CHARS} characters; this one has "
            f"{len(cleaned)}."
        )
    if problem := text_problem(cleaned):
        raise InvalidTitle(f"This title {problem}")
    thread = await get_thread(session, thread_id, user_id)
    thread.title = cleaned
    note_change(session, Change(threads_topic(user_id)))
    await session.commit()
    return thread


async def delete_thread(session: AsyncSession, thread_id: int, user_id: int) -> None:
    """Hide a thread from its owner (its files are deleted); its runs and effects stay for
    the ledger."""
    thread = await get_thread(session, thread_id, user_id)
    # The client's name for it is free again: using it later starts a new thread.
    thread.deleted_at, thread.client_id = utcnow(), None
    # Its files go at once: a deleted thread's attachments are never shown again.
    await delete_thread_attachments(session, thread_id)
    note_change(session, Change(threads_topic(user_id)))
    note_change(session, Change(thread_topic(thread_id), gone=True))
    await session.commit()


def thread_number(ref: str) -> int | None:
    """Hearth's thread number written in `ref`, or None for anything but ASCII digits;
    InvalidThreadRef for a number no thread can have."""
    if not is_number(ref):
        return None
    number = parse_row_id(ref)
    if number is None:
        raise InvalidThreadRef(
            f"Thread numbers go from 1 to {MAX_ROW_ID:,}; {ref[:40]} is not one of them."
        )
    return number


def thread_ref(thread: Thread) -> str:
    """How the HTTP API names a thread: the client's id for it, or Hearth's own number."""
    return thread.client_id or str(thread.id)


def check_client_ref(ref: str) -> str:
    """An API client's own name for a thread, or InvalidThreadRef saying what is allowed."""
    if not _CLIENT_ID.fullmatch(ref):
        raise InvalidThreadRef(
            "A thread id is Hearth's thread number or 1-100 letters, digits, '-' or '_'; "
            f"got {ref[:40]!r}."
        )
    return ref


async def thread_for_ref(session: AsyncSession, user_id: int, ref: str) -> Thread:
    """The person's thread an API client names: digits are Hearth's thread number, anything
    else the client's own id (ThreadNotFound if nobody used it yet)."""
    number = thread_number(ref)
    if number is not None:
        return await get_thread(session, number, user_id)
    query = select(Thread).where(
        Thread.user_id == user_id,
        Thread.client_id == check_client_ref(ref),
        col(Thread.deleted_at).is_(None),
    )
    thread = (await session.exec(query)).first()
    if thread is None:
        raise ThreadNotFound(ref)
    return thread


async def add_thread(session: AsyncSession, user_id: int, client_id: str | None) -> Thread:
    """A new thread (flushed, in the caller's transaction, so a refused request that asked
    for it leaves nothing behind); ThreadRefTaken if another request just made one with
    the same client id."""
    thread = Thread(user_id=user_id, client_id=client_id)
    session.add(thread)
    note_change(session, Change(threads_topic(user_id)))
    try:
        await session.flush()
    except IntegrityError:
        await session.rollback()
        raise ThreadRefTaken(client_id or "") from None
    return thread


async def list_messages(session: AsyncSession, thread_id: int) -> list[Message]:
    """A thread's messages in the order they were written."""
    query = select(Message).where(Message.thread_id == thread_id).order_by(col(Message.id))
    return list((await session.exec(query)).all())


async def any_thread(session: AsyncSession, thread_id: int) -> Thread:
    """Any thread, deleted ones too: for admins reading the ledger (never for owners)."""
    thread = await session.get(Thread, thread_id)
    if thread is None:
        raise ThreadNotFound(thread_id)
    return thread
