"""Which pages may open Hearth's websocket: its own origin, and the ones settings list.

Browsers send `Origin` on a websocket handshake but apply no CORS to it, so the server must
refuse a foreign page itself, or any site a signed-in person visits could drive their session.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

logger = logging.getLogger(__name__)


class OriginPolicy:
    """The callable python-engineio takes as `cors_allowed_origins`: `(origin, environ)` ->
    allowed. The app's own origin is the address the request came to (the proxy's, behind
    one: X-Forwarded-Proto and Host), so it needs no configuration."""

    def __init__(self, listed: tuple[str, ...]) -> None:
        self.listed = frozenset(listed)

    def own_origin(self, environ: Mapping[str, str]) -> str:
        """The origin the request was addressed to (behind a proxy: the forwarded host)."""
        scheme = environ.get("wsgi.url_scheme", "http").split(",")[0].strip()
        host = environ.get("HTTP_X_FORWARDED_HOST") or environ.get("HTTP_HOST", "")
        return f"{scheme}://{host.split(',')[0].strip()}".lower()

    def __call__(self, origin: str | None, environ: Mapping[str, str]) -> bool:
        """Whether a websocket from this origin may connect."""
        if not origin:
            # Not a browser (browsers always send it): nothing to protect against.
            return True
        allowed = origin in self.listed or origin.lower() == self.own_origin(environ)
        if not allowed:
            logger.info(
                "Refused a websocket from origin %s; allowed: the app's own origin and "
                "HEARTH_CORS_ORIGINS",
                origin,
            )
        return allowed
