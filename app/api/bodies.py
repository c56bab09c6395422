"""Request bodies: read within a size limit and parsed as JSON, or refused with a 400."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

from app.api.errors import bad_request


async def read_json(request: Request, max_bytes: int, expected: str) -> Any:
    """The body as JSON; 400 for a body over `max_bytes`, empty (saying `expected`, what to
    send instead) or not JSON."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise bad_request("body", f"is over the limit of {max_bytes:,} bytes.")
        chunks.append(chunk)
    raw = b"".join(chunks)
    if not raw.strip():
        raise bad_request("body", f"is empty; send {expected}.")
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise bad_request("body", f"is not JSON ({exc}).") from exc
