"""Addresses: database URLs get their drivers; origins are checked and kept once each."""

from __future__ import annotations

import pytest

from app.urls import to_async_url, to_origin, to_origins, to_sync_url


@pytest.mark.parametrize(
    ("url", "sync", "async_"),
    [
        ("sqlite:///x.db", "sqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
    ],
)
def test_database_urls_get_their_drivers(url: str, sync: str, async_: str) -> None:
    assert (to_sync_url(url), to_async_url(url)) == (sync, async_)


def test_an_origin_is_scheme_host_and_port_only() -> None:
    assert to_origin("HTTPS://Chat.Example.com:8443") == "https://chat.example.com:8443"
    with pytest.raises(ValueError, match="must be just scheme://host"):
        to_origin("https://chat.example.com/app")
    with pytest.raises(ValueError, match="must be an http:// or https:// address"):
        to_origin("ftp://chat.example.com")


def test_origins_are_listed_once_and_a_wildcard_is_refused() -> None:
    assert to_origins(" https://a.example, ,https://A.example,http://b.example ") == (
        "https://a.example",
        "http://b.example",
    )
    with pytest.raises(ValueError, match="'\\*' is not allowed"):
        to_origins("https://a.example,*")
