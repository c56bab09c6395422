"""Settings: defaults that need nothing, and errors that name the variable."""

from __future__ import annotations

import os

import pytest

from app.settings import SettingsError, load_settings, to_async_url, to_sync_url


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in os.environ:
        if name.startswith("HEARTH_") or name == "OPENAI_API_KEY":
            monkeypatch.delenv(name)


def test_defaults_run_offline_on_sqlite() -> None:
    settings = load_settings()
    assert settings.resolved_provider == "offline"
    assert settings.database_url == "sqlite:///data/hearth.db"


@pytest.mark.parametrize(
    ("env", "provider"),
    [
        ({"HEARTH_API_KEY": "sk-test"}, "responses"),
        ({"OPENAI_API_KEY": "sk-test"}, "responses"),
        ({"HEARTH_BASE_URL": "http://127.0.0.1:11434/v1"}, "chat"),
        ({"HEARTH_API_KEY": "sk-test", "HEARTH_PROVIDER": "chat"}, "chat"),
        ({"HEARTH_API_KEY": "sk-test", "HEARTH_PROVIDER": "offline"}, "offline"),
    ],
)
def test_auto_picks_a_provider(monkeypatch: pytest.MonkeyPatch, env: dict, provider: str) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert load_settings().resolved_provider == provider


def test_a_wrong_value_names_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEARTH_MAX_STEPS", "many")
    monkeypatch.setenv("HEARTH_RETRY_ATTEMPTS", "0")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert "HEARTH_MAX_STEPS: Input should be a valid integer" in message
    assert "(got 'many')" in message
    assert "HEARTH_RETRY_ATTEMPTS: Input should be greater than or equal to 1" in message


def test_a_model_provider_without_key_or_url_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEARTH_PROVIDER", "responses")
    with pytest.raises(SettingsError, match="HEARTH_PROVIDER=responses needs HEARTH_API_KEY"):
        load_settings()


def test_keys_are_never_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEARTH_API_KEY", "sk-secret")
    settings = load_settings()
    assert "sk-secret" not in repr(settings)


@pytest.mark.parametrize(
    ("url", "sync", "async_"),
    [
        ("sqlite:///x.db", "sqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
    ],
)
def test_database_urls_get_their_drivers(url: str, sync: str, async_: str) -> None:
    assert (to_sync_url(url), to_async_url(url)) == (sync, async_)
