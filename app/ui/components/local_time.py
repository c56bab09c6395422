"""Moments in the browser's time zone: the server sends ISO UTC, the page formats it."""

from __future__ import annotations

from typing import Literal

import reflex as rx

# "auto": the time today, the weekday this week, else the date.
TimeKind = Literal["datetime", "seconds", "time", "date", "auto"]


class LocalTime(rx.Component):
    """`<time>` in the reader's zone, the zone on hover (see assets/hearth_time.jsx)."""

    library = "$/public/hearth_time.jsx"
    tag = "LocalTime"
    iso: rx.Var[str]
    kind: rx.Var[str]
    empty: rx.Var[str]


def local_time(
    iso: rx.Var[str] | str, kind: TimeKind = "datetime", empty: str = ""
) -> rx.Component:
    """A moment (ISO 8601 with its offset) shown in the browser's zone; `empty` if none."""
    return LocalTime.create(iso=iso, kind=kind, empty=empty, class_name="local-time")


class DayGroupLabel(rx.Component):
    """Today / Yesterday / … above the first item of each day group in a newest-first list."""

    library = "$/public/hearth_time.jsx"
    tag = "DayGroupLabel"
    iso: rx.Var[str]
    previous_iso: rx.Var[str]


def day_group_label(iso: rx.Var[str], previous_iso: rx.Var[str]) -> rx.Component:
    """The group heading for an item, shown only where the group changes."""
    return DayGroupLabel.create(iso=iso, previous_iso=previous_iso, class_name="day-group")
