"""A person's message with its files, as each OpenAI API wants it.

- Chat Completions: content parts; an image as `image_url` (a `data:` URL), a document as a
  `text` part holding its text (what every OpenAI-compatible server reads).
- Responses: `input_text`, an image as `input_image`, a document as `input_file` (its bytes
  as a `data:` URL, with its name), which the API reads itself (a PDF's pages included).
"""

from __future__ import annotations

from typing import Any

from app.assistant.conversation import UserText
from app.assistant.files.message import AttachedFile


def document_text(file: AttachedFile) -> str:
    """A document as the model reads it in a text part: its name, then its text."""
    return f"[Attached file {file.name} ({file.media_type})]\n{file.text or ''}"


def chat_user_content(item: UserText) -> str | list[dict[str, Any]]:
    """A user message's Chat Completions `content`: its text, or parts when it has files."""
    if not item.files:
        return item.text
    parts: list[dict[str, Any]] = [{"type": "text", "text": item.text}] if item.text else []
    for file in item.files:
        if file.is_image:
            parts.append({"type": "image_url", "image_url": {"url": file.data_url}})
        else:
            parts.append({"type": "text", "text": document_text(file)})
    return parts


def responses_user_content(item: UserText) -> str | list[dict[str, Any]]:
    """A user message's Responses `content`: its text, or input parts when it has files."""
    if not item.files:
        return item.text
    parts: list[dict[str, Any]] = [{"type": "input_text", "text": item.text}] if item.text else []
    for file in item.files:
        if file.is_image:
            parts.append({"type": "input_image", "image_url": file.data_url, "detail": "auto"})
        else:
            parts.append({"type": "input_file", "filename": file.name, "file_data": file.data_url})
    return parts
