"""The one table shape: column headers, a row per item, a note when there are none."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import reflex as rx


def data_table(
    headers: Sequence[str | rx.Component],
    rows: Any,
    row: Callable[[Any], rx.Component],
    *,
    empty: str = "",
    **props: Any,
) -> rx.Component:
    """`row(item)` for each of `rows` (a list var) under `headers`; on a phone the table
    scrolls sideways inside itself, never the page. With `empty`, that note replaces the
    table while there are no rows. `props` go to the table (e.g. `aria_label`, `size`)."""
    table = rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
            rx.table.body(rx.foreach(rows, row)),
            **{"width": "100%", "size": "1", **props},
        ),
        overflow_x="auto",
        width="100%",
    )
    if not empty:
        return table
    return rx.cond(
        rows.length() > 0,
        table,
        rx.text(empty, color_scheme="gray", size="2"),
    )
