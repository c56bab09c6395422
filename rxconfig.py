"""Reflex configuration; Hearth's own settings (and URLs) come from the environment."""

import reflex as rx
from reflex_base.plugins.sitemap import SitemapPlugin

from app.settings import get_settings

config = rx.Config(
    app_name="app",
    db_url=get_settings().sync_database_url,
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="orange", radius="large"))],
    disable_plugins=[SitemapPlugin],
)
