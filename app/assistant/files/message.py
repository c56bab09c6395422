"""A message's files: claimed when it is sent (its parts name them), and read back with the
thread as what the model is given."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from app.assistant.files.kinds import IMAGE_TYPES
from app.assistant.files.store import AttachmentLimits, attachments_by_id, claim_attachments
from app.assistant.message_parts import AttachmentPart, append_parts, parse_parts
from app.db.models import Attachment, Message

# What an image counts for in the context budget (about 800 tokens at 4 characters each).
IMAGE_BUDGET_CHARS = 3200


@dataclass(frozen=True)
class AttachedFile:
    """A file as a provider is given it: its name, type, bytes and (a document's) text."""

    name: str
    media_type: str
    data: bytes
    text: str | None = None

    @property
    def is_image(self) -> bool:
        """Whether it is shown to the model as an image."""
        return self.media_type in IMAGE_TYPES

    @property
    def data_url(self) -> str:
        """The bytes as a `data:` URL (how both OpenAI APIs take inline files)."""
        return f"data:{self.media_type};base64,{base64.b64encode(self.data).decode('ascii')}"

    @property
    def budget_chars(self) -> int:
        """What it counts for in the context budget: a document its text, an image a fixed
        share."""
        return IMAGE_BUDGET_CHARS if self.is_image else len(self.name) + len(self.text or "")


def attached_file(attachment: Attachment) -> AttachedFile:
    """A stored attachment as a provider is given it."""
    return AttachedFile(attachment.name, attachment.media_type, attachment.data, attachment.text)


def attachment_part(attachment: Attachment) -> AttachmentPart:
    """The part of a message that names an attachment."""
    return AttachmentPart(
        attachment.id or 0, attachment.name, attachment.media_type, attachment.size_bytes
    )


async def attach_files(
    session: AsyncSession,
    message: Message,
    user_id: int,
    attachment_ids: Sequence[int],
    limits: AttachmentLimits,
) -> list[Attachment]:
    """Give the person's pending attachments to their (flushed) message, in the caller's
    transaction, and name them in its parts after its text."""
    claimed = await claim_attachments(
        session,
        user_id,
        attachment_ids,
        thread_id=message.thread_id,
        message_id=message.id or 0,
        limits=limits,
    )
    append_parts(message, [attachment_part(a) for a in claimed])
    return claimed


def attachment_ids(messages: Sequence[Message]) -> list[int]:
    """The attachments these messages name, in order."""
    return [
        part.attachment_id
        for message in messages
        for part in parse_parts(message.parts, only=(AttachmentPart,))
        if isinstance(part, AttachmentPart)
    ]


async def files_of(session: AsyncSession, messages: Sequence[Message]) -> dict[int, AttachedFile]:
    """The files these messages carry, by attachment id."""
    found = await attachments_by_id(session, attachment_ids(messages))
    return {attachment_id: attached_file(a) for attachment_id, a in found.items()}
