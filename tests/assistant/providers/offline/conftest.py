"""The phrasing suite's pass rate per language and category, printed at the end of a run
that includes it."""

from __future__ import annotations

from collections import Counter

import pytest

_passed: Counter[tuple[str, str]] = Counter()
_total: Counter[tuple[str, str]] = Counter()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "phrasing(language, category): a case of the phrasing suite")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    report = yield
    marker = item.get_closest_marker("phrasing")
    if marker is not None and report.when == "call":
        category = marker.args
        _total[category] += 1
        # An expected failure is a failure of the phrasing, whatever pytest calls it.
        if report.passed and not hasattr(report, "wasxfail"):
            _passed[category] += 1
    return report


def pytest_terminal_summary(terminalreporter) -> None:
    if not _total:
        return
    write = terminalreporter.write_line
    write("")
    write("phrasing suite: cases passing per language and category")
    for language in sorted({language for language, _ in _total}):
        keys = sorted(key for key in _total if key[0] == language)
        for key in keys:
            _line(write, f"{language} {key[1]}", _passed[key], _total[key])
        passed = sum(_passed[key] for key in keys)
        _line(write, f"{language} all", passed, sum(_total[key] for key in keys))
    _line(write, "all", sum(_passed.values()), sum(_total.values()))


def _line(write, label: str, passed: int, total: int) -> None:
    write(f"  {label:<17} {passed:>3}/{total:<3} {100 * passed / total:5.1f}%")
