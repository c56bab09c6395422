"""The languages Hearth speaks: those it ships sentences for (sentences/<language>.yaml).

Kept free of heavy imports: the settings check a configured language against this list.
"""

from __future__ import annotations

from pathlib import Path

SENTENCES_DIR = Path(__file__).parent / "sentences"


class UnsupportedLanguage(ValueError):
    """Raised for a language Hearth has no sentences for."""


def supported_languages() -> list[str]:
    """Every language Hearth understands and answers in, e.g. ['de', 'en']."""
    return sorted(path.stem for path in SENTENCES_DIR.glob("*.yaml"))


def check_language(language: str) -> None:
    """Raise UnsupportedLanguage, naming the supported ones, for a language without data."""
    supported = supported_languages()
    if language not in supported:
        raise UnsupportedLanguage(
            f"Language {language!r} is not supported; supported languages: {', '.join(supported)}"
        )
