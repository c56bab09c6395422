"""How temperatures read: one spelling of degrees Celsius for every message and card."""

from __future__ import annotations


def format_celsius(celsius: float) -> str:
    """19.0 -> '19', 19.5 -> '19.5': how temperatures read everywhere in Hearth."""
    return f"{celsius:.1f}".removesuffix(".0")
