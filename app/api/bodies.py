"""Request bodies: JSON text Hearth can store, read within a size limit, or refused.

Refused with a 415: a body not sent as `application/json`. Refused with a 400: a body over
the limit, empty, not JSON, with a number that is not finite (`NaN`, `Infinity`, `1e999`),
nested deeper than `MAX_DEPTH`, or holding text no database column can keep: a NUL character
(Postgres refuses it) or a lone UTF-16 surrogate (not Unicode text; nothing can encode it).
"""

from __future__ import annotations

import json
import math
from typing import Any

from starlette.requests import Request

from app.api.errors import ApiError, bad_request
from app.db.text import text_problem

MAX_DEPTH = 64
_JSON = "application/json"


class _NotFinite(ValueError):
    """A JSON number that is not a finite float."""


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise _NotFinite(text)
    return number


def _constant(text: str) -> float:
    raise _NotFinite(text)


def _check_media_type(request: Request) -> None:
    header = request.headers.get("content-type", "")
    media_type = header.split(";", 1)[0].strip().lower()
    if media_type == _JSON or media_type.endswith("+json"):
        return
    got = f"{media_type!r}" if media_type else "no Content-Type"
    raise ApiError(
        415,
        f"Content-Type: send the body as JSON with 'Content-Type: {_JSON}'; got {got}.",
        "Content-Type",
    )


def check_storable(value: Any) -> None:
    """400 naming the first field (a dotted path) nested too deep or holding text Hearth
    cannot store."""
    # Iterative, so a deep body cannot exhaust the interpreter's stack here either.
    stack: list[tuple[Any, str, int]] = [(value, "", 0)]
    while stack:
        item, path, depth = stack.pop()
        if isinstance(item, str):
            if problem := text_problem(item):
                raise bad_request(path or "body", problem)
            continue
        if not isinstance(item, dict | list):
            continue
        if depth >= MAX_DEPTH:
            raise bad_request(
                "body",
                f"nests deeper than {MAX_DEPTH} levels of objects and arrays; "
                f"at most {MAX_DEPTH} are allowed.",
            )
        if isinstance(item, dict):
            children = []
            for key, child in item.items():
                if problem := text_problem(key):
                    raise bad_request(path or "body", f"has a key that {problem}")
                children.append((child, f"{path}.{key}" if path else key, depth + 1))
        else:
            children = [
                (child, f"{path}.{index}" if path else str(index), depth + 1)
                for index, child in enumerate(item)
            ]
        stack.extend(reversed(children))


async def read_json(request: Request, max_bytes: int, expected: str) -> Any:
    """The body as JSON Hearth can store; 415 for a body not sent as JSON, 400 for one over
    `max_bytes`, empty (saying `expected`, what to send instead), not JSON, or not storable."""
    _check_media_type(request)
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
        body = json.loads(raw, parse_float=_finite, parse_constant=_constant)
    except _NotFinite as exc:
        raise bad_request(
            "body", f"has the number {exc}, which JSON cannot carry; numbers must be finite."
        ) from exc
    except RecursionError as exc:
        raise bad_request(
            "body",
            f"nests deeper than {MAX_DEPTH} levels of objects and arrays; "
            f"at most {MAX_DEPTH} are allowed.",
        ) from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise bad_request("body", f"is not JSON ({exc}).") from exc
    check_storable(body)
    return body
