"""The Content-Security-Policy of Hearth's pages, and the other headers every response carries.

The production build's pages run a few inline scripts (React Router's hydration context and
stream, React's streaming helpers, Reflex's theme script); the policy allows exactly those by
their SHA-256 hashes, read from the built HTML, and no other inline script. Nothing is loaded
from another origin: images only from the app itself or `data:`, so a reply's markdown cannot
make a browser call out. `'unsafe-eval'` stays because Reflex runs the code of backend events
such as `rx.toast` through `eval` in the browser; styles allow inline because Radix and emotion
set them at run time.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

# Every response, whatever its path.
STATIC_HEADERS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # For browsers without CSP's frame-ancestors.
    "X-Frame-Options": "DENY",
}
# Only over https (directly, or behind a proxy that says so in X-Forwarded-Proto).
HSTS = "max-age=31536000"

_INLINE_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
_HAS_SRC = re.compile(r"\bsrc\s*=", re.I)


def script_hash(source: str) -> str:
    """The CSP source expression allowing one inline script, e.g. `'sha256-...'`."""
    digest = hashlib.sha256(source.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def inline_script_hashes(html: str) -> list[str]:
    """The hashes of a page's inline scripts, in order, each once."""
    found = (
        script_hash(body)
        for attributes, body in _INLINE_SCRIPT.findall(html)
        if not _HAS_SRC.search(attributes)
    )
    return list(dict.fromkeys(found))


def built_script_hashes(build_dir: Path) -> tuple[str, ...]:
    """The inline scripts of every page of a frontend build (none if there is no build, as
    for a backend that only serves the API and the websocket)."""
    hashes: dict[str, None] = {}
    for page in sorted(build_dir.rglob("*.html")) if build_dir.is_dir() else ():
        hashes.update(dict.fromkeys(inline_script_hashes(page.read_text(errors="replace"))))
    return tuple(hashes)


def content_security_policy(script_hashes: Iterable[str]) -> str:
    """The policy for every response; `script_hashes` are the inline scripts allowed."""
    directives = {
        "default-src": "'self'",
        "script-src": " ".join(["'self'", "'unsafe-eval'", *script_hashes]),
        "style-src": "'self' 'unsafe-inline'",
        "img-src": "'self' data:",
        "font-src": "'self' data:",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())
