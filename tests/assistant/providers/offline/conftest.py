"""The phrasing suite's pass rate per category, printed at the end of a run that includes it."""

from __future__ import annotations

from collections import Counter

import pytest

_passed: Counter[str] = Counter()
_total: Counter[str] = Counter()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "phrasing(category): a case of the phrasing suite")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    report = yield
    marker = item.get_closest_marker("phrasing")
    if marker is not None and report.when == "call":
        category = marker.args[0]
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
    write("phrasing suite: cases passing per category")
    for category in sorted(_total):
        rate = 100 * _passed[category] / _total[category]
        write(f"  {category:<14} {_passed[category]:>3}/{_total[category]:<3} {rate:5.1f}%")
    passed, total = sum(_passed.values()), sum(_total.values())
    write(f"  {'all':<14} {passed:>3}/{total:<3} {100 * passed / total:5.1f}%")
