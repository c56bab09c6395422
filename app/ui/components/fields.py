"""Form pieces: a labelled field, why a form was refused, a named select, a choice of a few."""

from __future__ import annotations

from typing import Any

import reflex as rx


def field(
    label: str, *controls: rx.Component, html_for: str, hint: Any = "", **props: Any
) -> rx.Component:
    """`controls` under a visible label (for the control `html_for` names), then a hint."""
    return rx.vstack(
        rx.el.label(label, html_for=html_for, class_name="field-label"),
        *controls,
        rx.cond(hint != "", rx.text(hint, size="1", color_scheme="gray")),
        spacing="1",
        **props,
    )


def refusal(message: Any, **props: Any) -> rx.Component:
    """Why the form was refused, announced to screen readers; nothing while `message` is ""."""
    return rx.cond(
        message != "",
        rx.text(message, role="alert", color_scheme="red", size="2", **props),
    )


def labelled_select(options: Any, value: Any, on_change: Any, label: Any) -> rx.Component:
    """A small select whose trigger carries an accessible name."""
    return rx.select.root(
        rx.select.trigger(aria_label=label),
        rx.select.content(rx.foreach(options, lambda option: rx.select.item(option, value=option))),
        value=value,
        on_change=on_change,
        size="1",
    )


def choice(options: dict[str, str], value: Any, on_change: Any, label: Any) -> rx.Component:
    """One of a few `options` (label -> value), all in sight, applied as soon as picked."""
    return rx.segmented_control.root(
        *[rx.segmented_control.item(text, value=key) for text, key in options.items()],
        value=value,
        on_change=on_change,
        size="1",
        aria_label=label,
    )
