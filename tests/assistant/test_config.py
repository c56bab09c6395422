"""The engine's configuration comes from the settings, with overrides for tests and benches."""

from __future__ import annotations

from app.assistant.config import EngineConfig
from app.settings import Settings


def test_defaults_are_the_settings_defaults() -> None:
    config = EngineConfig.from_settings()
    defaults = Settings.model_construct()
    assert config.max_steps == defaults.max_steps == 8
    assert config.stop_poll_interval_s == defaults.stop_poll_interval_s == 0.2
    assert config.follow_idle_s == defaults.follow_idle_s


def test_settings_and_overrides_both_reach_the_engine() -> None:
    settings = Settings(max_steps=3, stop_poll_interval_s=0.5)
    config = EngineConfig.from_settings(settings, checkpoint_interval_s=0.05)
    assert (config.max_steps, config.stop_poll_interval_s) == (3, 0.5)
    assert config.checkpoint_interval_s == 0.05
