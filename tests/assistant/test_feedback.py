"""Feedback: people rate assistant replies in their own threads; admins list every rating."""

from __future__ import annotations

import pytest

from app.accounts.users import create_user
from app.assistant.feedback import (
    InvalidRating,
    MessageNotFound,
    NotRateable,
    excerpt,
    list_feedback,
    rate_message,
    ratings_for,
)
from app.db.models import Message, Thread, User, utcnow
from app.db.session import SessionFactory
from app.db.statuses import Role


async def _thread(session, user: User, title: str = "Warmth") -> Thread:
    thread = Thread(user_id=user.id, title=title)
    session.add(thread)
    await session.commit()
    return thread


async def _message(session, thread: Thread, text: str, role: Role = Role.assistant) -> int:
    message = Message(thread_id=thread.id or 0, role=role, parts=[{"type": "text", "text": text}])
    session.add(message)
    await session.commit()
    return message.id or 0


async def test_rate_upserts_one_row_and_none_removes_it(sessions: SessionFactory) -> None:
    async with sessions() as session:
        ada = await create_user(session, "ada", "kettle on the hob")
        reply = await _message(session, await _thread(session, ada), "Done: kitchen at 21 °C.")
        assert await rate_message(session, ada.id or 0, reply, "up") == "up"
        assert await rate_message(session, ada.id or 0, reply, "down") == "down"
        assert await ratings_for(session, ada.id or 0, [reply, 999]) == {reply: "down"}
        assert [row.rating for row in await list_feedback(session)] == ["down"]
        assert await rate_message(session, ada.id or 0, reply, None) is None
        assert await ratings_for(session, ada.id or 0, [reply]) == {}
        assert await ratings_for(session, ada.id or 0, []) == {}


async def test_someone_elses_missing_or_deleted_message_reads_the_same(
    sessions: SessionFactory,
) -> None:
    async with sessions() as session:
        ada = await create_user(session, "ada", "kettle on the hob")
        bob = await create_user(session, "bob", "kettle on the hob")
        adas = await _message(session, await _thread(session, ada), "Hers.")
        deleted = await _thread(session, bob)
        gone = await _message(session, deleted, "In a deleted thread.")
        deleted.deleted_at = utcnow()
        await session.commit()
        for message_id in (adas, gone, 999):
            with pytest.raises(MessageNotFound) as caught:
                await rate_message(session, bob.id or 0, message_id, "up")
            assert str(caught.value) == f"Message {message_id} is not in your threads."
        assert await list_feedback(session) == []


async def test_only_assistant_replies_can_be_rated(sessions: SessionFactory) -> None:
    async with sessions() as session:
        ada = await create_user(session, "ada", "kettle on the hob")
        asked = await _message(session, await _thread(session, ada), "Warmer?", Role.user)
        with pytest.raises(NotRateable) as caught:
            await rate_message(session, ada.id or 0, asked, "up")
    assert str(caught.value) == (
        f"Message {asked} is a user message; only assistant replies can be rated."
    )


async def test_a_bad_rating_names_the_allowed_values(sessions: SessionFactory) -> None:
    async with sessions() as session:
        ada = await create_user(session, "ada", "kettle on the hob")
        reply = await _message(session, await _thread(session, ada), "Done.")
        with pytest.raises(InvalidRating) as caught:
            await rate_message(session, ada.id or 0, reply, "meh")
        with pytest.raises(InvalidRating):
            await list_feedback(session, rating="sideways")
    assert (
        str(caught.value) == "Rating 'meh' is not allowed; use 'up', 'down', or none to remove it."
    )


async def test_list_feedback_joins_newest_first_filters_and_pages(
    sessions: SessionFactory,
) -> None:
    async with sessions() as session:
        ada = await create_user(session, "ada", "kettle on the hob")
        bob = await create_user(session, "bob", "kettle on the hob")
        adas_thread = await _thread(session, ada, "Kitchen plans")
        first = await _message(session, adas_thread, "0123456789" * 20)
        second = await _message(session, await _thread(session, bob, "Bedroom"), "Set to 18 °C.")
        await rate_message(session, ada.id or 0, first, "down")
        await rate_message(session, bob.id or 0, second, "up")
        rows = await list_feedback(session)
        assert [(r.username, r.thread_title, r.message_id, r.rating) for r in rows] == [
            ("bob", "Bedroom", second, "up"),
            ("ada", "Kitchen plans", first, "down"),
        ]
        assert rows[0].excerpt == "Set to 18 °C."
        assert rows[1].thread_id == adas_thread.id
        assert rows[1].excerpt == "0123456789" * 11 + "012345678…"
        assert [r.message_id for r in await list_feedback(session, rating="down")] == [first]
        page = await list_feedback(session, limit=1)
        rest = await list_feedback(session, before_id=page[-1].id, limit=1)
        assert [r.id for r in page + rest] == [r.id for r in rows]


def test_excerpt_joins_text_parts_on_one_line() -> None:
    parts = [
        {"type": "text", "text": "Setting it.\n"},
        {"type": "tool-call", "call_id": "c1", "name": "set_room_temperature"},
        {"type": "text", "text": " Done."},
    ]
    assert excerpt(parts) == "Setting it. Done."
    assert excerpt([]) == ""
