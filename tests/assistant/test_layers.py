"""The layers point one way: the engine and the domain never import the UI's framework."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    ("module", "forbidden"),
    [
        ("app.assistant.engine", "reflex"),
        ("app.services", "reflex"),
        ("app.home.rooms", "reflex"),
        ("app.home.rooms", "openai"),
        ("app.assistant.providers.offline.provider", "openai"),
        ("app.assistant.engine", "openai"),
    ],
)
def test_module_does_not_import(module: str, forbidden: str) -> None:
    code = (
        f"import sys, {module}; "
        f"bad = sorted(m for m in sys.modules if m == {forbidden!r} or m.startswith({forbidden!r} + '.')); "
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"{module} imports {out.stdout.strip()}"


def test_importing_app_assistant_does_not_import_reflex() -> None:
    code = "import sys, app.assistant; import app.assistant.engine; print('reflex' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
