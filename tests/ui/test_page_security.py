"""The page's own defences, on the real app: security headers on every path, a CSP the app
runs under without a single violation, no image from another origin ever fetched (a reply's
markdown image is shown as a link), no framing by another site, and CORS and the websocket
refusing a foreign Origin unless HEARTH_CORS_ORIGINS lists it."""

from __future__ import annotations

import base64
import os
import re
import socket
import threading
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.ui.chat_page import ChatPage, watch_for_csp_violations
from tests.ui.conftest import LISTED_ORIGIN

pytestmark = pytest.mark.browser

FOREIGN = "http://evil.example"
SECURITY_HEADERS = (
    "content-security-policy",
    "x-content-type-options",
    "referrer-policy",
    "x-frame-options",
)


class ElsewhereSite:
    """Another origin (another port of 127.0.0.1): counts every request, and serves a page
    that frames whatever `/frame?src=` names."""

    def __init__(self) -> None:
        hits: Counter[str] = Counter()
        self.hits = hits

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path.split("?")[0]
                hits[path] += 1
                if path == "/frame":
                    src = self.path.split("src=", 1)[1]
                    body = f'<html><body><iframe id="f" src="{src}"></iframe></body></html>'
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                else:
                    body = "GIF89a"
                    self.send_response(200)
                    self.send_header("Content-Type", "image/gif")
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> ElsewhereSite:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def elsewhere() -> Iterator[ElsewhereSite]:
    with ElsewhereSite() as site:
        yield site


def _websocket_handshake(app_url: str, origin: str) -> tuple[int, dict[str, str]]:
    """Open Reflex's websocket as a browser on `origin` would; the status and headers."""
    host, port = app_url.removeprefix("http://").split(":")
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        "GET /_event/?EIO=4&transport=websocket HTTP/1.1\r\n"
        f"Host: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nOrigin: {origin}\r\n\r\n"
    )
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = sock.recv(4096)
            if not chunk:
                break
            head += chunk
    lines = head.split(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers


def test_every_path_carries_the_security_headers(app_url: str) -> None:
    with httpx.Client(base_url=app_url, timeout=10, follow_redirects=True) as http:
        page = http.get("/login")
        script = re.search(r'href="(/assets/[^"]+\.js)"', page.text)
        assert script, "no script asset found in the login page"
        paths = [
            "/",
            "/login",
            "/chat/12345",
            "/nowhere",
            script.group(1),
            "/hearth.css",
            "/api/health",
            "/api/threads",
            "/ping",
            "/_health",
            "/_event/?EIO=4&transport=polling",
        ]
        for path in paths:
            response = http.get(path)
            missing = [h for h in SECURITY_HEADERS if h not in response.headers]
            assert not missing, f"{path} ({response.status_code}) lacks {missing}"
            csp = response.headers["content-security-policy"]
            assert "img-src 'self' data:" in csp, (path, csp)
            assert "frame-ancestors 'none'" in csp, (path, csp)
            assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";")[0], csp
            assert response.headers["x-content-type-options"] == "nosniff"
            assert response.headers["referrer-policy"] == "no-referrer"
            assert response.headers["x-frame-options"] == "DENY"
            assert "strict-transport-security" not in response.headers, path
        behind_tls = http.get("/login", headers={"X-Forwarded-Proto": "https"})
        assert behind_tls.headers["strict-transport-security"].startswith("max-age=")


def test_cors_and_the_websocket_refuse_a_foreign_origin_and_accept_a_listed_one(
    app_url: str,
) -> None:
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization",
    }
    with httpx.Client(base_url=app_url, timeout=10, follow_redirects=True) as http:
        refused = http.options("/api/chat", headers={"Origin": FOREIGN, **preflight})
        assert "access-control-allow-origin" not in refused.headers, refused.headers
        assert refused.status_code == 400
        simple = http.get("/api/health", headers={"Origin": FOREIGN})
        assert "access-control-allow-origin" not in simple.headers, simple.headers
        allowed = http.options("/api/chat", headers={"Origin": LISTED_ORIGIN, **preflight})
        assert allowed.status_code == 200, allowed.text
        assert allowed.headers["access-control-allow-origin"] == LISTED_ORIGIN
        streamed = http.get("/api/health", headers={"Origin": LISTED_ORIGIN})
        assert streamed.headers["access-control-allow-origin"] == LISTED_ORIGIN

    assert _websocket_handshake(app_url, FOREIGN)[0] == 403
    assert _websocket_handshake(app_url, LISTED_ORIGIN)[0] == 101
    assert _websocket_handshake(app_url, app_url)[0] == 101


def test_a_reply_streams_under_the_csp_and_its_foreign_image_is_a_link_never_fetched(
    page: Page, app_url: str, elsewhere: ElsewhereSite
) -> None:
    violations = watch_for_csp_violations(page)
    chat = ChatPage(page, app_url)
    chat.sign_up()
    chat.open_new_thread()
    reply = chat.ask("What's the temperature in the kitchen?")
    expect(reply).to_contain_text("The kitchen is at")

    beacon = f"{elsewhere.url}/beacon?secret=kitchen-code"
    reply = chat.ask(f"/say Look: ![the view]({beacon}) and ![]({elsewhere.url}/second.png)")
    expect(reply).to_contain_text("Look:")
    chat.page.reload()
    reply = chat.assistant_messages.last
    expect(reply).to_contain_text("Look:")
    page.wait_for_timeout(500)
    assert elsewhere.hits["/beacon"] == 0 and elsewhere.hits["/second.png"] == 0, elsewhere.hits
    expect(reply.locator("img")).to_have_count(0)
    expect(reply.get_by_role("link", name="the view")).to_have_attribute("href", beacon)
    expect(reply.get_by_role("link", name=f"{elsewhere.url}/second.png")).to_be_visible()
    assert violations == [], violations


def test_a_page_of_another_origin_cannot_frame_the_app(
    browser: Browser, app_url: str, elsewhere: ElsewhereSite
) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{elsewhere.url}/frame?src={app_url}/login")
        page.wait_for_timeout(3000)
        frame = page.frame_locator("#f")
        expect(frame.get_by_role("button", name="Sign in")).to_have_count(0)
        child = next(f for f in page.frames if f != page.main_frame)
        assert not child.url.startswith(app_url), child.url
    finally:
        context.close()
