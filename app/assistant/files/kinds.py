"""What a file is, told from its bytes (never from its name), and the text of a document.

Images: PNG, JPEG, WebP, GIF by their magic bytes. Documents: PDF by its magic bytes (its
text extracted with pypdf); plain text, Markdown, CSV and JSON are UTF-8 text (no NUL
bytes), told apart by their content where it can tell (JSON must parse) and else by the
name's ending (a `.csv` is CSV, a `.md` Markdown; anything else plain text).
"""

from __future__ import annotations

import io
import json
import logging
from dataclasses import dataclass

from app.assistant.errors import UnreadableAttachment

logger = logging.getLogger(__name__)

IMAGE_TYPES = ("image/png", "image/jpeg", "image/webp", "image/gif")
TEXT_TYPES = ("text/plain", "text/markdown", "text/csv", "application/json")
DOCUMENT_TYPES = (*TEXT_TYPES, "application/pdf")
ALLOWED = "images (PNG, JPEG, WebP, GIF) and documents (plain text, Markdown, CSV, JSON, PDF)"

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
)
_BY_ENDING = {".csv": "text/csv", ".md": "text/markdown", ".markdown": "text/markdown"}


@dataclass(frozen=True)
class FileKind:
    """A file's media type and, for a document, its text."""

    media_type: str
    text: str | None

    @property
    def is_image(self) -> bool:
        """Whether the model is shown it as an image (else it reads its text)."""
        return self.media_type in IMAGE_TYPES


def _magic_type(data: bytes) -> str | None:
    for magic, media_type in _MAGIC:
        if data.startswith(magic):
            return media_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def _text_type(text: str, name: str) -> str:
    stripped = text.strip()
    if stripped[:1] in ("{", "["):
        try:
            json.loads(stripped)
        except ValueError:
            pass
        else:
            return "application/json"
    ending = name[name.rfind(".") :].lower() if "." in name else ""
    return _BY_ENDING.get(ending, "text/plain")


def pdf_text(data: bytes, name: str) -> str:
    """The text of a PDF's pages (UnreadableAttachment if it cannot be read)."""
    from pypdf import PdfReader  # a big import, needed only for PDFs
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PyPdfError, ValueError, KeyError, TypeError) as exc:
        raise UnreadableAttachment(
            f"{name} starts like a PDF but could not be read ({exc}); nothing was attached."
        ) from exc
    return "\n\n".join(page.strip() for page in pages if page.strip())


def file_kind(data: bytes, name: str) -> FileKind:
    """What the bytes are, or UnreadableAttachment saying what is allowed."""
    media_type = _magic_type(data)
    if media_type == "application/pdf":
        return FileKind(media_type, pdf_text(data, name))
    if media_type is not None:
        return FileKind(media_type, None)
    if b"\x00" not in data:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            pass
        else:
            return FileKind(_text_type(text, name), text)
    raise UnreadableAttachment(
        f"{name} is not a file Hearth can read (checked from its content, not its name); "
        f"allowed: {ALLOWED}."
    )
