"""The websocket's origin check: the app's own origin (as the request reached it, through a
proxy too) and the listed ones; every other page is refused."""

from __future__ import annotations

from app.api.origins import OriginPolicy

LISTED = ("https://chat.example.com",)


def test_the_own_origin_is_where_the_request_came_to() -> None:
    policy = OriginPolicy(LISTED)
    direct = {"wsgi.url_scheme": "http", "HTTP_HOST": "127.0.0.1:3000"}
    assert policy("http://127.0.0.1:3000", direct)
    assert not policy("http://localhost:3000", direct)
    # engineio takes the scheme from X-Forwarded-Proto; nginx passes the browser's Host on.
    proxied = {"wsgi.url_scheme": "https", "HTTP_HOST": "Hearth.Example.com"}
    assert policy("https://hearth.example.com", proxied)
    assert not policy("http://hearth.example.com", proxied)


def test_listed_origins_are_let_in_and_others_refused() -> None:
    policy = OriginPolicy(LISTED)
    environ = {"wsgi.url_scheme": "http", "HTTP_HOST": "127.0.0.1:3000"}
    assert policy("https://chat.example.com", environ)
    assert not policy("https://evil.example", environ)
    assert not policy("null", environ)
    assert not OriginPolicy(())("https://chat.example.com", environ)
