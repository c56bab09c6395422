"""Files in the composer: attached by button, drag and drop or paste (each upload stored at
once, pending, in the database every worker reads), shown before sending, removable; the
message that is sent carries them. A mixin of `ChatState`, whose Send takes them."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from app.assistant.errors import AssistantError
from app.assistant.files.kinds import IMAGE_TYPES
from app.assistant.files.message import attached_file
from app.assistant.files.store import (
    add_attachment,
    check_count,
    check_size,
    megabytes,
    remove_pending,
)
from app.db.models import Attachment
from app.services import get_services

# The dropzones' upload id (paste feeds the same one: assets/hearth_attach.js).
UPLOAD_ID = "attach"
# Images up to this size are previewed from their bytes (a data: URL); bigger ones by name.
PREVIEW_MAX_BYTES = 200_000


@dataclass
class PendingFile:
    """A file attached in the composer, not sent yet."""

    id: int
    name: str
    media_type: str
    size_label: str
    is_image: bool = False
    preview_url: str = ""


def pending_file(attachment: Attachment) -> PendingFile:
    """How the composer shows an attachment waiting to be sent."""
    is_image = attachment.media_type in IMAGE_TYPES
    small = is_image and attachment.size_bytes <= PREVIEW_MAX_BYTES
    return PendingFile(
        id=attachment.id or 0,
        name=attachment.name,
        media_type=attachment.media_type,
        size_label=megabytes(attachment.size_bytes),
        is_image=is_image,
        preview_url=attached_file(attachment).data_url if small else "",
    )


class Attachments(rx.State, mixin=True):
    """The files in the composer."""

    pending_files: list[PendingFile] = []

    @rx.event
    async def attach(self, files: list[rx.UploadFile]):
        """Store the files just chosen, dropped or pasted; each one refused says why."""
        user = await self._user()
        if user is None:
            return self._to_login()
        limits = get_services().runner.engine.config.attachment_limits
        problems: list[str] = []
        for upload in files:
            name = upload.name or "file"
            try:
                check_count(len(self.pending_files) + 1, limits)
                check_size(name, upload.size or 0, limits)
                data = await upload.read(limits.max_bytes + 1)
                check_size(name, len(data), limits)
                async with get_services().sessions() as session:
                    stored = await add_attachment(session, user.id or 0, name, data, limits)
            except AssistantError as exc:
                problems.append(str(exc))
                continue
            self.pending_files = [*self.pending_files, pending_file(stored)]
        return [rx.toast.error(problem) for problem in problems]

    @rx.event
    async def remove_file(self, attachment_id: int):
        """Take a file out of the composer before sending (it is deleted)."""
        user = await self._user()
        if user is None:
            return self._to_login()
        self.pending_files = [f for f in self.pending_files if f.id != attachment_id]
        try:
            async with get_services().sessions() as session:
                await remove_pending(session, attachment_id, user.id or 0)
        except AssistantError:
            pass  # sent or removed from another tab meanwhile: gone from here either way
        return None

    def _take_files(self) -> list[PendingFile]:
        """The files the message being sent carries (the composer is cleared of them)."""
        taken, self.pending_files = self.pending_files, []
        return taken

    def _give_back_files(self, files: list[PendingFile]) -> None:
        """A message that was not sent: its files go back into the composer."""
        returned = {f.id for f in files}
        self.pending_files = [*files, *(f for f in self.pending_files if f.id not in returned)]
