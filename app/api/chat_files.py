"""The files of a chat request's new user message: stored (pending) before its run is
started, which attaches them; refused as the web UI refuses them, with the limit named
(413: too big or too many; 415: not a file Hearth reads)."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

from app.api.errors import ApiError
from app.api.file_parts import InlineFile
from app.assistant.errors import AttachmentNotFound, AttachmentTooLarge, InvalidAttachment
from app.assistant.files.store import add_attachment, check_count, remove_pending
from app.services import Services


def refused_file(exc: InvalidAttachment) -> ApiError:
    """The answer to a file refused: 413 for a limit, 415 for a type."""
    status = 413 if isinstance(exc, AttachmentTooLarge) else 415
    return ApiError(status, str(exc), "messages" if status == 415 else "")


async def store_files(services: Services, user_id: int, files: Sequence[InlineFile]) -> list[int]:
    """The files stored as this person's pending attachments (all or none)."""
    limits = services.engine.config.attachment_limits
    check_count(len(files), limits)
    stored: list[int] = []
    try:
        for file in files:
            async with services.sessions() as session:
                added = await add_attachment(session, user_id, file.name, file.data, limits)
            stored.append(added.id or 0)
    except InvalidAttachment:
        await discard_files(services, user_id, stored)
        raise
    return stored


async def discard_files(services: Services, user_id: int, attachment_ids: Sequence[int]) -> None:
    """Delete files stored for a request whose run was not started."""
    for attachment_id in attachment_ids:
        async with services.sessions() as session:
            # Claimed after all (the run started), or gone: nothing to delete.
            with contextlib.suppress(AttachmentNotFound):
                await remove_pending(session, attachment_id, user_id)
