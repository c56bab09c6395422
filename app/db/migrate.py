"""Apply Alembic migrations: the only way Hearth's schema is created or changed."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config

from app.db.session import ensure_sqlite_dir
from app.urls import to_sync_url

logger = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def alembic_config(database_url: str) -> Config:
    """An Alembic config for this project pointed at one database."""
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    # configparser treats "%" as interpolation; URLs may carry percent-escapes.
    config.set_main_option("sqlalchemy.url", to_sync_url(database_url).replace("%", "%%"))
    return config


def upgrade_to_head(database_url: str) -> None:
    """Bring a database to the newest revision (creating it if it is new)."""
    ensure_sqlite_dir(to_sync_url(database_url))
    logger.info("Applying migrations")
    command.upgrade(alembic_config(database_url), "head")


if __name__ == "__main__":
    import sys

    from app.settings import SettingsError, get_settings

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = get_settings()
    except SettingsError as exc:
        sys.exit(str(exc))
    upgrade_to_head(settings.database_url)
