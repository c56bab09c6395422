"""Attachments in the database, where every worker reads them: added before the message is
sent (pending: the person's, in no thread), claimed by the message that carries them, read
back for the model, deleted with their thread.

Another person's attachment is treated exactly like a missing one (AttachmentNotFound).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.assistant.errors import AttachmentNotFound, AttachmentTooLarge, UnreadableAttachment
from app.assistant.files.kinds import file_kind
from app.db.models import Attachment, Thread, utcnow

logger = logging.getLogger(__name__)

MAX_NAME_CHARS = 200
# How long a file attached but never sent is kept (deleted when its owner attaches another).
UNSENT_KEPT = timedelta(days=1)


@dataclass(frozen=True)
class AttachmentLimits:
    """How big a file may be, and how many one message may carry."""

    max_bytes: int
    max_files: int


# The settings' defaults (for callers given no limits).
DEFAULT_LIMITS = AttachmentLimits(max_bytes=5_000_000, max_files=4)


def megabytes(size_bytes: int) -> str:
    """5000000 as '5 MB', 1500 as '1.5 KB' (as a person reads a limit)."""
    for unit, size in (("MB", 1_000_000), ("KB", 1_000)):
        if size_bytes >= size:
            return f"{size_bytes / size:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size_bytes} bytes"


def clean_name(name: str) -> str:
    """The file's own name (no folders), at most 200 characters; 'file' if it has none."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    base = "".join(ch for ch in base if ch.isprintable())
    if len(base) > MAX_NAME_CHARS:
        stem, dot, ending = base.rpartition(".")
        keep = MAX_NAME_CHARS - len(dot + ending)
        base = stem[:keep] + dot + ending if dot and keep > 0 else base[:MAX_NAME_CHARS]
    return base or "file"


def check_size(name: str, size_bytes: int, limits: AttachmentLimits) -> None:
    """AttachmentTooLarge when a file is bigger than allowed."""
    if size_bytes > limits.max_bytes:
        raise AttachmentTooLarge(
            f"{clean_name(name)} is {megabytes(size_bytes)}; a file can be at most "
            f"{megabytes(limits.max_bytes)}. Nothing was attached."
        )


def check_count(count: int, limits: AttachmentLimits) -> None:
    """AttachmentTooLarge when a message would carry more files than allowed."""
    if count > limits.max_files:
        raise AttachmentTooLarge(
            f"A message can carry at most {limits.max_files} files; this one has {count}. "
            "Remove some and send again."
        )


async def add_attachment(
    session: AsyncSession, user_id: int, name: str, data: bytes, limits: AttachmentLimits
) -> Attachment:
    """Store a file the person attached (pending until a message claims it), or
    InvalidAttachment naming the limit or the types allowed; their files attached more than
    a day ago and never sent are deleted."""
    name = clean_name(name)
    check_size(name, len(data), limits)
    if not data:
        raise UnreadableAttachment(f"{name} is empty; nothing was attached.")
    kind = file_kind(data, name)
    # Files this person attached long ago and never sent go now: nothing else collects them.
    await session.exec(
        delete(Attachment).where(
            Attachment.user_id == user_id,
            col(Attachment.message_id).is_(None),
            col(Attachment.created_at) < utcnow() - UNSENT_KEPT,
        )
    )
    attachment = Attachment(
        user_id=user_id,
        name=name,
        media_type=kind.media_type,
        size_bytes=len(data),
        data=data,
        text=kind.text,
    )
    session.add(attachment)
    await session.commit()
    logger.info("Attachment %s stored (%s, %s bytes)", attachment.id, kind.media_type, len(data))
    return attachment


async def claim_attachments(
    session: AsyncSession,
    user_id: int,
    attachment_ids: Sequence[int],
    *,
    thread_id: int,
    message_id: int,
    limits: AttachmentLimits,
) -> list[Attachment]:
    """Give the person's pending attachments to a message, in the caller's transaction
    (in the order given); AttachmentNotFound for one that is not theirs or already sent."""
    ids = list(dict.fromkeys(attachment_ids))
    check_count(len(ids), limits)
    if not ids:
        return []
    query = select(Attachment).where(
        col(Attachment.id).in_(ids),
        Attachment.user_id == user_id,
        col(Attachment.message_id).is_(None),
    )
    found = {a.id: a for a in (await session.exec(query)).all()}
    for attachment_id in ids:
        if attachment_id not in found:
            raise AttachmentNotFound(attachment_id)
    claimed = [found[i] for i in ids]
    for attachment in claimed:
        attachment.thread_id, attachment.message_id = thread_id, message_id
    return claimed


async def attachments_by_id(
    session: AsyncSession, attachment_ids: Iterable[int]
) -> dict[int, Attachment]:
    """These attachments, by id (the caller has checked whose they are)."""
    ids = set(attachment_ids)
    if not ids:
        return {}
    query = select(Attachment).where(col(Attachment.id).in_(ids))
    return {a.id or 0: a for a in (await session.exec(query)).all()}


async def owned_attachment(session: AsyncSession, attachment_id: int, user_id: int) -> Attachment:
    """One of this person's attachments: pending, or in one of their undeleted threads."""
    attachment = await session.get(Attachment, attachment_id)
    if attachment is None or attachment.user_id != user_id:
        raise AttachmentNotFound(attachment_id)
    if attachment.thread_id is not None:
        thread = await session.get(Thread, attachment.thread_id)
        if thread is None or thread.deleted_at is not None or thread.user_id != user_id:
            raise AttachmentNotFound(attachment_id)
    return attachment


async def remove_pending(session: AsyncSession, attachment_id: int, user_id: int) -> None:
    """Remove a file before it is sent (AttachmentNotFound once sent, or not theirs)."""
    result = await session.exec(
        delete(Attachment).where(
            col(Attachment.id) == attachment_id,
            Attachment.user_id == user_id,
            col(Attachment.message_id).is_(None),
        )
    )
    await session.commit()
    if result.rowcount != 1:
        raise AttachmentNotFound(attachment_id)


async def delete_thread_attachments(session: AsyncSession, thread_id: int) -> None:
    """Delete a thread's files (in the caller's transaction): they go with the thread."""
    await session.exec(delete(Attachment).where(col(Attachment.thread_id) == thread_id))
