"""Addresses as Hearth stores them: a browser origin, and database URLs for each driver."""

from __future__ import annotations

from urllib.parse import urlsplit


def to_origin(value: str) -> str:
    """`scheme://host[:port]` of an http(s) address, as browsers send it in `Origin`."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(
            f"{value!r} must be an http:// or https:// address, e.g. https://hearth.example.com"
        )
    if parts.path.strip("/") or parts.query or parts.fragment:
        raise ValueError(f"{value!r} must be just scheme://host[:port], with no path")
    return f"{parts.scheme}://{parts.netloc.lower()}"


def to_sync_url(url: str) -> str:
    """Name the sync driver explicitly (psycopg 3 for Postgres)."""
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if url.startswith("sqlite+aiosqlite://"):
        return "sqlite://" + url.split("://", 1)[1]
    return url


def to_async_url(url: str) -> str:
    """Map a database URL to its asyncio driver (aiosqlite, psycopg async)."""
    sync = to_sync_url(url)
    if sync.startswith("sqlite://"):
        return "sqlite+aiosqlite://" + sync.split("://", 1)[1]
    return sync


def to_origins(value: object) -> tuple[str, ...]:
    """Origins from a comma-separated text (or a list), each once; '*' is refused."""
    if isinstance(value, str):
        items = value.split(",")
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        raise ValueError("must be origins separated by commas, e.g. https://chat.example.com")
    origins: list[str] = []
    for item in (str(i).strip() for i in items):
        if not item:
            continue
        if item == "*":
            raise ValueError(
                "'*' is not allowed (any site could then act for a signed-in person): "
                "list each origin, e.g. https://chat.example.com"
            )
        origin = to_origin(item)
        if origin not in origins:
            origins.append(origin)
    return tuple(origins)
