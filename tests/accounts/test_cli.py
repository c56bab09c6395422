"""The first admin comes from a command: there is no built-in account or password."""

from __future__ import annotations

import asyncio

import pytest

from app.accounts.cli import main
from app.accounts.users import authenticate
from app.db.session import create_engine_async, create_session_factory
from app.settings import get_settings


@pytest.fixture
def configured(database_url: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("HEARTH_DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield database_url
    get_settings.cache_clear()


def test_create_admin_then_sign_in(
    configured: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HEARTH_NEW_PASSWORD", "a long password")
    assert main(["create-admin", "Root"]) == 0
    assert capsys.readouterr().out.strip() == "Created admin 'root'."

    async def sign_in() -> str:
        engine = create_engine_async(configured)
        async with create_session_factory(engine)() as session:
            user = await authenticate(session, "root", "a long password")
        await engine.dispose()
        return user.role

    assert asyncio.run(sign_in()) == "admin"


def test_a_bad_password_is_refused_with_the_rule(
    configured: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HEARTH_NEW_PASSWORD", "short")
    assert main(["create-admin", "root"]) == 2
    assert "at least 8 characters" in capsys.readouterr().err


def test_bootstrap_says_how_to_make_the_first_account(
    configured: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["bootstrap"]) == 0
    out = capsys.readouterr().out
    assert "No accounts yet: sign up in the browser (the first account is the admin)" in out
    assert "python -m app.accounts.cli create-admin NAME" in out


def test_bootstrap_creates_the_admin_from_settings_once(
    configured: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HEARTH_ADMIN_USERNAME", "keeper")
    monkeypatch.setenv("HEARTH_ADMIN_PASSWORD", "a long password")
    get_settings.cache_clear()
    assert main(["bootstrap"]) == 0
    assert "Created the admin 'keeper'" in capsys.readouterr().out
    assert main(["bootstrap"]) == 0
    assert capsys.readouterr().out == ""


def test_bootstrap_refuses_a_weak_admin_password(
    configured: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HEARTH_ADMIN_USERNAME", "keeper")
    monkeypatch.setenv("HEARTH_ADMIN_PASSWORD", "short")
    get_settings.cache_clear()
    assert main(["bootstrap"]) == 2
    assert "A password needs at least 8 characters" in capsys.readouterr().err
