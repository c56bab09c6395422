"""A file a sent message carries, in the transcript's words: its name, type and size."""

from __future__ import annotations

from dataclasses import dataclass

from app.assistant.files.kinds import IMAGE_TYPES
from app.assistant.files.store import megabytes
from app.assistant.message_parts import AttachmentPart


@dataclass(frozen=True)
class FileWords:
    """What the transcript shows of an attached file."""

    name: str
    summary: str  # "text/csv · 38 bytes"
    icon: str  # a lucide icon: "image" or "file-text"


def file_words(part: AttachmentPart) -> FileWords:
    """How the transcript shows an attached file."""
    return FileWords(
        part.name,
        f"{part.media_type} · {megabytes(part.size_bytes)}",
        "image" if part.media_type in IMAGE_TYPES else "file-text",
    )
