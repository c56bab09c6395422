"""Moments handed to the page (ISO UTC, epoch ms) and the history chart's time axis."""

from __future__ import annotations

from datetime import UTC, datetime

from app.ui.components.admin.board import _chart
from app.ui.moments import epoch_ms, iso_utc, time_ticks


def test_a_naive_moment_is_utc_and_sent_as_iso() -> None:
    naive = datetime(2026, 11, 28, 13, 5, 9)
    assert iso_utc(naive) == "2026-11-28T13:05:09+00:00"
    assert epoch_ms(naive) == epoch_ms(naive.replace(tzinfo=UTC)) == 1795871109000


def test_ticks_are_round_distinct_and_within_the_data() -> None:
    minute = 60_000
    ticks = time_ticks(10 * minute + 7, 70 * minute)
    assert ticks == [m * minute for m in (15, 30, 45, 60)]
    assert time_ticks(5, 5) == [5]
    day = 24 * 60 * minute
    assert len(time_ticks(0, 400 * day)) <= 6


def test_the_chart_has_a_time_axis_and_a_fitted_y_range() -> None:
    rendered = str(_chart())
    for prop in ('type:"number"', 'scale:"time"', 'domain:["dataMin", "dataMax"]', "chart_ticks"):
        assert prop in rendered, prop
    assert 'domain:["dataMin - 1", "dataMax + 1"]' in rendered
    assert "Intl.DateTimeFormat" in rendered
