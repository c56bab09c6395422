"""Logs a host can collect: JSON lines with the worker's pid and any extras."""

from __future__ import annotations

import json
import logging

import pytest

from app.logs import configure_logging
from app.settings import Settings


@pytest.fixture(autouse=True)
def restore_app_logger():
    logger = logging.getLogger("app")
    saved = logger.handlers[:], logger.level, logger.propagate
    yield
    logger.handlers, logger.level, logger.propagate = list(saved[0]), saved[1], saved[2]


def test_json_lines_carry_level_logger_pid_message_and_extras(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging(Settings(log_format="json", log_level="INFO"))
    log = logging.getLogger("app.assistant.engine")
    log.info("Run %s finished", 12, extra={"run_id": 12})
    log.debug("not shown at INFO")
    try:
        raise ValueError("boom")
    except ValueError:
        log.exception("Run failed")
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["level"] == "INFO" and first["logger"] == "app.assistant.engine"
    assert first["message"] == "Run 12 finished" and first["run_id"] == 12
    assert isinstance(first["pid"], int) and first["time"].endswith("+00:00")
    assert second["level"] == "ERROR" and "ValueError: boom" in second["error"]


def test_text_is_the_default_and_configuring_twice_does_not_double_lines(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging(Settings())
    configure_logging(Settings())
    logging.getLogger("app.deploy").warning("careful")
    err = capsys.readouterr().err
    assert err.count("careful") == 1
    assert " WARNING app.deploy [" in err
