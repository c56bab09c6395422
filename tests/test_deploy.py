"""`python -m app.deploy release`: one command brings a database to head and checks Redis."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from app.deploy import main, release
from app.settings import get_settings
from tests.conftest import REDIS_URL


@pytest.fixture(autouse=True)
def fresh_settings():
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_release_migrates_a_new_database_and_says_what_it_uses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "new" / "hearth.db"
    monkeypatch.setenv("HEARTH_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("HEARTH_REDIS_URL", REDIS_URL)
    monkeypatch.setenv("HEARTH_WORKERS", "3")
    assert main(["release"]) == 0
    out = capsys.readouterr().out
    assert "Migrations: at head." in out
    assert "answers; 3 worker(s)." in out
    assert "No accounts yet" in out
    engine = create_engine(f"sqlite:///{path}")
    assert {"thread", "run", "message", "effect", "user"} <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_release_is_safe_to_run_again(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HEARTH_DATABASE_URL", database_url)
    monkeypatch.setenv("HEARTH_ADMIN_USERNAME", "owner")
    monkeypatch.setenv("HEARTH_ADMIN_PASSWORD", "a long password")
    assert main(["release"]) == 0
    assert "Created the admin 'owner'" in capsys.readouterr().out
    assert main(["release"]) == 0
    assert "Created" not in capsys.readouterr().out


def test_release_stops_when_redis_is_unreachable(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEARTH_DATABASE_URL", database_url)
    monkeypatch.setenv("HEARTH_REDIS_URL", "redis://127.0.0.1:1/0")
    with pytest.raises(SystemExit, match=r"Redis at redis://127.0.0.1:1/0 did not answer"):
        main(["release"])


def test_release_stops_when_the_database_never_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEARTH_DATABASE_URL", "postgresql://hearth:secret@127.0.0.1:1/hearth")
    with pytest.raises(SystemExit) as stopped:
        release(get_settings(), wait_s=0)
    message = str(stopped.value)
    assert message.startswith("The database at postgresql+psycopg://hearth:***@127.0.0.1:1/hearth")
    assert "secret" not in message


def test_bad_settings_stop_the_release_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HEARTH_WORKERS", "4")
    monkeypatch.delenv("HEARTH_REDIS_URL", raising=False)
    monkeypatch.delenv("REFLEX_REDIS_URL", raising=False)
    assert main(["release"]) == 2
    assert "HEARTH_WORKERS=4 needs HEARTH_REDIS_URL" in capsys.readouterr().err
