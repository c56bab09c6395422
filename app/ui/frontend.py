"""Where Reflex puts the built frontend that it (or nginx) serves."""

from __future__ import annotations

from pathlib import Path

from reflex.utils import prerequisites
from reflex_base import constants
from reflex_base.config import get_config


def built_frontend_dir() -> Path:
    """The static build (`reflex run --env prod`, `reflex export`): `.web/build/client`, or
    under REFLEX_WEB_WORKDIR."""
    frontend_path = get_config().frontend_path.strip("/")
    return (prerequisites.get_web_dir() / constants.Dirs.STATIC / frontend_path).resolve()
