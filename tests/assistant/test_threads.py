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
from app.db.models import Message
from app.db.session import SessionFactory
from app.db.statuses import Role
from tests.support.people import person


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
        alice = await person(session, "alice")
        first = await create_thread(session, alice, "first")
        second = await create_thread(session, alice, "second")
        await rename_thread(session, first.id or 0, alice, "first, renamed")
        titles = [t.title for t in await list_threads(session, alice)]
    assert titles == ["second", "first, renamed"]
    assert second.id != first.id


async def test_rename_validates_and_names_the_limits(sessions: SessionFactory) -> None:
    async with sessions() as session:
        alice = await person(session, "alice")
        thread_id = (await create_thread(session, alice)).id or 0
        with pytest.raises(InvalidTitle, match="cannot be empty; use 1 to 80 characters"):
            await rename_thread(session, thread_id, alice, "   ")
        with pytest.raises(InvalidTitle, match="at most 80 characters; this one has 81"):
            await rename_thread(session, thread_id, alice, "x" * 81)
        with pytest.raises(InvalidTitle, match=r"contains a NUL character \(U\+0000\)"):
            await rename_thread(session, thread_id, alice, "Kitchen\x00plans")
        with pytest.raises(InvalidTitle, match=r"contains a lone surrogate \(U\+DC00\)"):
            await rename_thread(session, thread_id, alice, "Kitchen \udc00plans")
        renamed = await rename_thread(session, thread_id, alice, "  Kitchen   plans ")
    assert renamed.title == "Kitchen plans"


async def test_deleted_threads_are_hidden_but_kept(sessions: SessionFactory) -> None:
    async with sessions() as session:
        alice = await person(session, "alice")
        thread = await create_thread(session, alice, "gone")
        await delete_thread(session, thread.id or 0, alice)
        assert await list_threads(session, alice) == []
        with pytest.raises(ThreadNotFound, match=f"Thread {thread.id} not found"):
            await get_thread(session, thread.id or 0, alice)
        with pytest.raises(ThreadNotFound):
            await rename_thread(session, thread.id or 0, alice, "back")
        row = await session.get(type(thread), thread.id)
    assert row is not None and row.deleted_at is not None


async def test_new_thread_reuses_an_empty_one(sessions: SessionFactory) -> None:
    async with sessions() as session:
        alice = await person(session, "alice")
        empty = await open_empty_thread(session, alice)
        assert (await open_empty_thread(session, alice)).id == empty.id
        session.add(Message(thread_id=empty.id or 0, role=Role.user, parts=[]))
        await session.commit()
        fresh = await open_empty_thread(session, alice)
    assert fresh.id != empty.id


async def test_another_persons_thread_is_not_there_for_them(sessions: SessionFactory) -> None:
    async with sessions() as session:
        alice, bob = await person(session, "alice"), await person(session, "bob")
        thread = await create_thread(session, alice, "alice's")
        thread_id = thread.id or 0
        assert await list_threads(session, bob) == []
        # Bob's empty thread is his own, never Alice's empty one.
        assert (await open_empty_thread(session, bob)).id != thread_id
        for attempt in (
            get_thread(session, thread_id, bob),
            rename_thread(session, thread_id, bob, "mine now"),
            delete_thread(session, thread_id, bob),
        ):
            with pytest.raises(ThreadNotFound, match=f"Thread {thread_id} not found"):
                await attempt
        kept = await get_thread(session, thread_id, alice)
    assert kept.title == "alice's" and kept.deleted_at is None
