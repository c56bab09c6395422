"""Moments as the server hands them to the page: ISO 8601 UTC, for the browser to show in
its own time zone (`app.ui.components.local_time`), which the server cannot know."""

from __future__ import annotations

from datetime import UTC, datetime


def as_utc(moment: datetime) -> datetime:
    """The moment in UTC; a naive one (SQLite keeps no zone) is UTC, as Hearth stores them."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def iso_utc(moment: datetime) -> str:
    """`2026-11-28T13:05:09+00:00`."""
    return as_utc(moment).isoformat(timespec="seconds")


def epoch_ms(moment: datetime) -> int:
    """Milliseconds since 1970 (what a chart's time axis and JS `Date` take)."""
    return round(as_utc(moment).timestamp() * 1000)


_SECOND_MS = 1000
_MINUTE_MS = 60 * _SECOND_MS
_HOUR_MS = 60 * _MINUTE_MS
_DAY_MS = 24 * _HOUR_MS
# Round steps a time axis may tick by, finest first.
TICK_STEPS_MS = (
    *(n * _SECOND_MS for n in (1, 2, 5, 10, 15, 30)),
    *(n * _MINUTE_MS for n in (1, 2, 5, 10, 15, 30)),
    *(n * _HOUR_MS for n in (1, 2, 3, 6, 12)),
    *(n * _DAY_MS for n in (1, 2, 7, 14, 30, 91, 182, 365)),
)


def time_ticks(first_ms: int, last_ms: int, most: int = 6) -> list[int]:
    """Round moments (epoch ms) between `first_ms` and `last_ms`, at most `most` of them and
    at least one, a round step apart: a time axis whose labels never repeat."""
    if last_ms <= first_ms:
        return [first_ms]
    span = last_ms - first_ms
    step = next((s for s in TICK_STEPS_MS if span / s <= most - 1), TICK_STEPS_MS[-1])
    start = -(-first_ms // step) * step
    ticks = list(range(start, last_ms + 1, step))
    return ticks or [first_ms]
