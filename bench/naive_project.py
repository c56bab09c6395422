"""A project folder for the naive-pattern app (bench/naive_app.py), which benchmarks run
beside Hearth as a Reflex app of its own."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def naive_project(tmp: Path) -> Path:
    """Copy bench/naive_app.py into `tmp/naive` with an rxconfig; returns the folder."""
    project = tmp / "naive"
    (project / "naive_app").mkdir(parents=True)
    shutil.copy(ROOT / "bench" / "naive_app.py", project / "naive_app" / "naive_app.py")
    (project / "naive_app" / "__init__.py").write_text("")
    (project / "rxconfig.py").write_text(
        "import reflex as rx\n"
        "from reflex_base.plugins.sitemap import SitemapPlugin\n"
        "config = rx.Config(app_name='naive_app', telemetry_enabled=False,\n"
        "    plugins=[rx.plugins.RadixThemesPlugin()], disable_plugins=[SitemapPlugin])\n"
    )
    return project
