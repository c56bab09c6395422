"""Reflex configuration; Hearth's own settings (and URLs) come from the environment."""

import reflex as rx
from reflex_base.plugins.sitemap import SitemapPlugin

from app.settings import get_settings
from app.urls import to_async_url

settings = get_settings()
# Only what is set is passed on: Reflex's own defaults (and REFLEX_* variables) apply otherwise.
hosted = {
    key: value
    for key, value in {
        "redis_url": settings.redis_url,
        # The address browsers use (behind a proxy, its public origin): baked into the build.
        "api_url": settings.public_url,
        "deploy_url": settings.public_url,
        # Reflex reads X-Forwarded-For into router.session.client_ip only through these.
        "trusted_proxy_hops": settings.trusted_proxy_hops,
    }.items()
    if value
}

config = rx.Config(
    app_name="app",
    db_url=settings.sync_database_url,
    async_db_url=to_async_url(settings.database_url),
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="orange", radius="large"))],
    disable_plugins=[SitemapPlugin],
    # CORS: the app's own pages need none; other origins only when listed (Reflex's default
    # is every origin, with credentials).
    cors_allowed_origins=settings.allowed_origins,
    **hosted,
)
