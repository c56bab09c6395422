"""Settings: defaults that need nothing, and errors that name the variable."""

from __future__ import annotations

import os

import pytest

from app.settings import Settings, SettingsError, load_settings


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
        ({"HEARTH_API_KEY": "sk-test"}, "hybrid"),
        ({"OPENAI_API_KEY": "sk-test"}, "hybrid"),
        ({"HEARTH_BASE_URL": "http://127.0.0.1:11434/v1"}, "hybrid"),
        ({"HEARTH_API_KEY": "sk-test", "HEARTH_PROVIDER": "chat"}, "chat"),
        ({"HEARTH_API_KEY": "sk-test", "HEARTH_PROVIDER": "offline"}, "offline"),
    ],
)
def test_auto_picks_a_provider(monkeypatch: pytest.MonkeyPatch, env: dict, provider: str) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert load_settings().resolved_provider == provider


@pytest.mark.parametrize(
    ("env", "api"),
    [
        ({"HEARTH_API_KEY": "sk-test"}, "responses"),
        ({"HEARTH_BASE_URL": "http://127.0.0.1:11434/v1"}, "chat"),
        ({"HEARTH_API_KEY": "sk-test", "HEARTH_MODEL_API": "chat"}, "chat"),
        (
            {"HEARTH_BASE_URL": "http://127.0.0.1:8080/v1", "HEARTH_MODEL_API": "responses"},
            "responses",
        ),
    ],
)
def test_hybrid_speaks_to_the_model_as_configured(
    monkeypatch: pytest.MonkeyPatch, env: dict, api: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert load_settings().resolved_model_api == api


def test_a_wrong_value_names_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEARTH_MAX_STEPS", "many")
    monkeypatch.setenv("HEARTH_RETRY_ATTEMPTS", "0")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert "HEARTH_MAX_STEPS: Input should be a valid integer" in message
    assert "(got 'many')" in message
    assert "HEARTH_RETRY_ATTEMPTS: Input should be greater than or equal to 1" in message


@pytest.mark.parametrize("provider", ["responses", "hybrid"])
def test_a_model_provider_without_key_or_url_is_refused(
    monkeypatch: pytest.MonkeyPatch, provider: str
) -> None:
    monkeypatch.setenv("HEARTH_PROVIDER", provider)
    with pytest.raises(SettingsError, match=f"HEARTH_PROVIDER={provider} needs HEARTH_API_KEY"):
        load_settings()


def test_keys_are_never_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEARTH_API_KEY", "sk-secret")
    settings = load_settings()
    assert "sk-secret" not in repr(settings)


def test_redis_and_workers_for_a_hosted_deployment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFLEX_REDIS_URL", "redis://redis:6379/0")
    monkeypatch.setenv("HEARTH_WORKERS", "4")
    settings = load_settings()
    assert settings.redis_url == "redis://redis:6379/0"
    assert settings.worker_count == 4


def test_one_worker_without_redis_and_one_per_core_with_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REFLEX_REDIS_URL", raising=False)
    assert load_settings().worker_count == 1
    monkeypatch.setenv("HEARTH_REDIS_URL", "redis://127.0.0.1:6379/0")
    assert load_settings().worker_count == (os.cpu_count() or 1)


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({"HEARTH_WORKERS": "2"}, "HEARTH_WORKERS=2 needs HEARTH_REDIS_URL"),
        ({"HEARTH_WORKERS": "0"}, "HEARTH_WORKERS: Input should be greater than or equal to 1"),
        ({"HEARTH_REDIS_URL": "127.0.0.1:6379"}, "must start with redis://"),
        ({"HEARTH_PUBLIC_URL": "hearth.example.com"}, "must be an http:// or https:// address"),
        ({"HEARTH_PUBLIC_URL": "https://example.com/hearth"}, "with no path"),
        ({"HEARTH_LOG_FORMAT": "xml"}, "HEARTH_LOG_FORMAT: Input should be 'text' or 'json'"),
    ],
)
def test_hosted_settings_are_checked(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], problem: str
) -> None:
    monkeypatch.delenv("REFLEX_REDIS_URL", raising=False)
    monkeypatch.delenv("REFLEX_API_URL", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=problem):
        load_settings()


def test_the_public_url_is_reflexs_api_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFLEX_API_URL", "https://hearth.example.com/")
    assert load_settings().public_url == "https://hearth.example.com"


def test_secrets_can_come_from_files(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "HEARTH_API_KEY").write_text("sk-from-a-file\n")
    monkeypatch.setattr(
        Settings, "model_config", {**Settings.model_config, "secrets_dir": tmp_path}
    )
    settings = load_settings()
    assert settings.api_key is not None
    assert settings.api_key.get_secret_value() == "sk-from-a-file"
    assert "sk-from-a-file" not in repr(settings)


def test_cors_origins_are_a_comma_separated_list_of_origins(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert load_settings().allowed_origins == ()
    monkeypatch.setenv("HEARTH_PUBLIC_URL", "https://hearth.example.com")
    monkeypatch.setenv("HEARTH_CORS_ORIGINS", " https://Chat.Example.com/ ,http://localhost:5173,,")
    settings = load_settings()
    assert settings.cors_origins == ("https://chat.example.com", "http://localhost:5173")
    assert settings.allowed_origins == (
        "https://hearth.example.com",
        "https://chat.example.com",
        "http://localhost:5173",
    )


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("*", "'*' is not allowed"),
        ("chat.example.com", "'chat.example.com' must be an http:// or https:// address"),
        ("https://chat.example.com/app", "must be just scheme://host[:port], with no path"),
    ],
)
def test_cors_origins_that_are_not_origins_are_refused(
    monkeypatch: pytest.MonkeyPatch, value: str, problem: str
) -> None:
    monkeypatch.setenv("HEARTH_CORS_ORIGINS", value)
    with pytest.raises(SettingsError, match="HEARTH_CORS_ORIGINS: ") as caught:
        load_settings()
    assert problem in str(caught.value)


def test_the_language_is_one_hearth_speaks(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().language == "en"
    monkeypatch.setenv("HEARTH_LANGUAGE", "de")
    assert load_settings().language == "de"


def test_an_unsupported_language_is_refused_with_the_supported_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HEARTH_LANGUAGE", "fr")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert "HEARTH_LANGUAGE: Value error, must be one of de, en (got 'fr')" in str(caught.value)
