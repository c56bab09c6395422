"""Threads: titles, listing order, rename rules, deletion that keeps the ledger."""

from __future__ import annotations

import pytest

from app.assistant.errors import InvalidTitle, ThreadNotFound
from app.assistant.threads import (
    create_thread,
    delete_thread,
    get_thread,
    list_threads,
    open_empty_thread,
    rename_thread,
    title_from_text,
)
from app.db.models import Message, Role
from app.db.session import SessionFactory


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("  hello\nsecond line", "hello"),
        ("", "New thread"),
        ("word " * 40, ("word " * 15).strip() + "…"),
    ],
)
def test_title_from_text(text: str, title: str) -> None:
    assert title_from_text(text) == title
    assert len(title_from_text(text)) <= 80


async def test_threads_list_newest_activity_first(sessions: SessionFactory) -> None:
    async with sessions() as session:
        first = await create_thread(session, "first")
        second = await create_thread(session, "second")
        await rename_thread(session, first.id or 0, "first, renamed")
        titles = [t.title for t in await list_threads(session)]
    assert titles == ["second", "first, renamed"]
    assert second.id != first.id


async def test_rename_validates_and_names_the_limits(sessions: SessionFactory) -> None:
    async with sessions() as session:
        thread = await create_thread(session)
        with pytest.raises(InvalidTitle, match="cannot be empty; use 1 to 80 characters"):
            await rename_thread(session, thread.id or 0, "   ")
        with pytest.raises(InvalidTitle, match="at most 80 characters; this one has 81"):
            await rename_thread(session, thread.id or 0, "x" * 81)
        renamed = await rename_thread(session, thread.id or 0, "  Kitchen   plans ")
    assert renamed.title == "Kitchen plans"


async def test_deleted_threads_are_hidden_but_kept(sessions: SessionFactory) -> None:
    async with sessions() as session:
        thread = await create_thread(session, "gone")
        await delete_thread(session, thread.id or 0)
        assert await list_threads(session) == []
        with pytest.raises(ThreadNotFound, match=f"Thread {thread.id} not found"):
            await get_thread(session, thread.id or 0)
        with pytest.raises(ThreadNotFound):
            await rename_thread(session, thread.id or 0, "back")
        row = await session.get(type(thread), thread.id)
    assert row is not None and row.deleted_at is not None


async def test_new_thread_reuses_an_empty_one(sessions: SessionFactory) -> None:
    async with sessions() as session:
        empty = await open_empty_thread(session)
        assert (await open_empty_thread(session)).id == empty.id
        session.add(Message(thread_id=empty.id or 0, role=Role.user, parts=[]))
        await session.commit()
        fresh = await open_empty_thread(session)
    assert fresh.id != empty.id
