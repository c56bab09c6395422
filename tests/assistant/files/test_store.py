"""Attachments in the database: limits named in refusals, owned like the thread (another
person's is a missing one), claimed once by the message that carries them, deleted with
the thread."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from app.assistant.errors import AttachmentNotFound, InvalidAttachment
from app.assistant.files.store import (
    AttachmentLimits,
    add_attachment,
    clean_name,
    owned_attachment,
    remove_pending,
)
from app.assistant.message_parts import AttachmentPart, TextPart, message_parts
from app.assistant.runs import create_run
from app.assistant.threads import delete_thread
from app.db.models import Attachment, Message, Thread, utcnow
from app.db.session import SessionFactory
from tests.support.files import PNG, ROOM_TARGETS_CSV
from tests.support.people import owned_thread, person

LIMITS = AttachmentLimits(max_bytes=2000, max_files=2)


async def test_a_file_over_the_size_limit_is_refused_naming_the_limit(
    sessions: SessionFactory,
) -> None:
    async with sessions() as session:
        owner = await person(session)
        with pytest.raises(InvalidAttachment) as refused:
            await add_attachment(session, owner, "big.csv", b"a,1\n" * 1000, LIMITS)
        assert (await session.exec(select(Attachment))).all() == []
    assert (
        str(refused.value) == "big.csv is 4 KB; a file can be at most 2 KB. Nothing was attached."
    )


async def test_a_message_with_more_files_than_allowed_is_refused_and_nothing_is_sent(
    sessions: SessionFactory,
) -> None:
    async with sessions() as session:
        thread = await owned_thread(session)
        owner = thread.user_id or 0
        ids = [(await add_attachment(session, owner, f"{n}.png", PNG, LIMITS)).id for n in "abc"]
        with pytest.raises(InvalidAttachment) as refused:
            await create_run(
                session,
                thread.id,
                owner,
                "look",
                max_steps=8,
                provider="test",
                attachment_ids=[i or 0 for i in ids],
                attachment_limits=LIMITS,
            )
    assert str(refused.value) == (
        "A message can carry at most 2 files; this one has 3. Remove some and send again."
    )
    async with sessions() as session:
        assert (await session.exec(select(Message))).all() == []
        pending = (await session.exec(select(Attachment.message_id))).all()
    assert pending == [None, None, None]


async def test_a_sent_message_names_its_files_and_they_join_its_thread(
    sessions: SessionFactory,
) -> None:
    async with sessions() as session:
        thread = await owned_thread(session)
        owner = thread.user_id or 0
        csv = await add_attachment(session, owner, "targets.csv", ROOM_TARGETS_CSV, LIMITS)
        image = await add_attachment(session, owner, "C:\\photos\\room.png", PNG, LIMITS)
        _, asked, _ = await create_run(
            session,
            thread.id,
            owner,
            "",
            max_steps=8,
            provider="test",
            attachment_ids=[csv.id or 0, image.id or 0],
            attachment_limits=LIMITS,
        )
    async with sessions() as session:
        stored = await session.get(Message, asked.id)
        rows = (await session.exec(select(Attachment).order_by(Attachment.id))).all()
        titled = await session.get(Thread, thread.id)
    assert stored is not None and message_parts(stored) == [
        TextPart(""),
        AttachmentPart(csv.id or 0, "targets.csv", "text/csv", len(ROOM_TARGETS_CSV)),
        AttachmentPart(image.id or 0, "room.png", "image/png", len(PNG)),
    ]
    assert [(r.thread_id, r.message_id) for r in rows] == [(thread.id, asked.id)] * 2
    assert titled is not None and titled.title == "targets.csv"


async def test_another_persons_attachment_is_not_found_anywhere(sessions: SessionFactory) -> None:
    async with sessions() as session:
        thread = await owned_thread(session)
        owner = thread.user_id or 0
        stranger = await person(session, "stranger")
        mine = await add_attachment(session, owner, "a.png", PNG, LIMITS)
        with pytest.raises(AttachmentNotFound):
            await owned_attachment(session, mine.id or 0, stranger)
        with pytest.raises(AttachmentNotFound):
            await remove_pending(session, mine.id or 0, stranger)
        other_thread = await owned_thread(session)
        other_thread.user_id = stranger
        await session.commit()
        with pytest.raises(AttachmentNotFound, match=r"^Attachment \d+ not found"):
            await create_run(
                session,
                other_thread.id,
                stranger,
                "mine now?",
                max_steps=8,
                provider="test",
                attachment_ids=[mine.id or 0],
            )
        assert (await owned_attachment(session, mine.id or 0, owner)).name == "a.png"


async def test_a_pending_file_can_be_removed_before_sending(sessions: SessionFactory) -> None:
    async with sessions() as session:
        owner = await person(session)
        pending = await add_attachment(session, owner, "a.png", PNG, LIMITS)
        await remove_pending(session, pending.id or 0, owner)
        assert (await session.exec(select(Attachment))).all() == []


async def test_files_never_sent_go_a_day_later_when_their_owner_attaches_another(
    sessions: SessionFactory,
) -> None:
    async with sessions() as session:
        owner = await person(session)
        stranger = await person(session, "stranger")
        old = await add_attachment(session, owner, "old.png", PNG, LIMITS)
        theirs = await add_attachment(session, stranger, "theirs.png", PNG, LIMITS)
        for row in (old, theirs):
            row.created_at = utcnow() - timedelta(days=1, minutes=1)
        await session.commit()
        new = await add_attachment(session, owner, "new.png", PNG, LIMITS)
        left = (await session.exec(select(Attachment.id).order_by(Attachment.id))).all()
    assert left == [theirs.id, new.id]


async def test_files_are_deleted_with_their_thread(sessions: SessionFactory) -> None:
    async with sessions() as session:
        thread = await owned_thread(session)
        owner = thread.user_id or 0
        sent = await add_attachment(session, owner, "a.png", PNG, LIMITS)
        await create_run(
            session,
            thread.id,
            owner,
            "see",
            max_steps=8,
            provider="test",
            attachment_ids=[sent.id or 0],
        )
        await delete_thread(session, thread.id or 0, owner)
    async with sessions() as session:
        assert (await session.exec(select(Attachment))).all() == []


def test_names_lose_their_folders_and_stay_short() -> None:
    assert clean_name("../../etc/passwd") == "passwd"
    assert clean_name("") == "file"
    long = clean_name("x" * 300 + ".csv")
    assert len(long) == 200 and long.endswith(".csv")
