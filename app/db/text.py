"""Text every database Hearth runs on can keep, and why other text cannot be kept."""

from __future__ import annotations

_SURROGATES = ("\ud800", "\udfff")


def text_problem(text: str) -> str:
    """Why no column can store `text` (a NUL character: Postgres refuses it; a lone UTF-16
    surrogate: not Unicode, nothing encodes it), or "" when it can be stored."""
    if "\x00" in text:
        return (
            f"contains a NUL character (U+0000) at position {text.index(chr(0))}; "
            "Hearth cannot store it: remove it."
        )
    low, high = _SURROGATES
    for position, char in enumerate(text):
        if low <= char <= high:
            return (
                f"contains a lone surrogate (U+{ord(char):04X}) at position {position}, "
                "which is not Unicode text; send UTF-8 text (pair surrogates in \\u escapes)."
            )
    return ""
