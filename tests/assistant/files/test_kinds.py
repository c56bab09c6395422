"""A file's type is told from its bytes, never from its name; a PDF's text is extracted."""

from __future__ import annotations

import pytest

from app.assistant.errors import InvalidAttachment
from app.assistant.files.kinds import file_kind
from tests.support.files import PNG, ROOM_TARGETS_CSV, pdf_with_text


@pytest.mark.parametrize(
    ("data", "media_type"),
    [
        (PNG, "image/png"),
        (b"\xff\xd8\xff\xe0" + b"\0" * 20, "image/jpeg"),
        (b"GIF89a" + b"\0" * 20, "image/gif"),
        (b"RIFF\x24\0\0\0WEBPVP8 " + b"\0" * 20, "image/webp"),
    ],
)
def test_images_are_known_by_their_magic_bytes_whatever_their_name(
    data: bytes, media_type: str
) -> None:
    kind = file_kind(data, "holiday.txt")
    assert (kind.media_type, kind.text, kind.is_image) == (media_type, None, True)


def test_a_pdf_has_its_text_extracted() -> None:
    kind = file_kind(pdf_with_text("Kitchen 19 degrees"), "plan.bin")
    assert kind.media_type == "application/pdf"
    assert "Kitchen 19 degrees" in (kind.text or "")


@pytest.mark.parametrize(
    ("data", "name", "media_type"),
    [
        (ROOM_TARGETS_CSV, "targets.csv", "text/csv"),
        (b"# Plan\n\n- kitchen", "plan.md", "text/markdown"),
        (b'{"kitchen": 19}', "targets.txt", "application/json"),
        (b"just words", "notes", "text/plain"),
    ],
)
def test_text_documents_keep_their_text(data: bytes, name: str, media_type: str) -> None:
    kind = file_kind(data, name)
    assert (kind.media_type, kind.text) == (media_type, data.decode())


@pytest.mark.parametrize(
    "data", [b"MZ\x90\x00\x03\x00\x00\x00", b"\xff\xfe\x00\x00binary", "é".encode("latin-1")]
)
def test_anything_else_is_refused_with_what_is_allowed(data: bytes) -> None:
    with pytest.raises(InvalidAttachment) as refused:
        file_kind(data, "photo.png")
    assert str(refused.value) == (
        "photo.png is not a file Hearth can read (checked from its content, not its name); "
        "allowed: images (PNG, JPEG, WebP, GIF) and documents (plain text, Markdown, CSV, "
        "JSON, PDF)."
    )


def test_a_broken_pdf_is_refused() -> None:
    with pytest.raises(InvalidAttachment, match=r"^broken.pdf starts like a PDF but could not"):
        file_kind(b"%PDF-1.4\nnot really", "broken.pdf")
