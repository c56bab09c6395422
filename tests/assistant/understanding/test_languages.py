"""The languages Hearth speaks are the sentence files it ships; others are refused by name."""

from __future__ import annotations

import pytest

from app.assistant.understanding.languages import (
    UnsupportedLanguage,
    check_language,
    supported_languages,
)


def test_hearth_speaks_the_languages_it_has_sentences_for() -> None:
    assert supported_languages() == ["de", "en"]
    check_language("de")


@pytest.mark.parametrize("language", ["fr", "EN", ""])
def test_another_language_is_refused_naming_the_supported_ones(language: str) -> None:
    with pytest.raises(UnsupportedLanguage) as raised:
        check_language(language)
    assert str(raised.value) == (
        f"Language {language!r} is not supported; supported languages: de, en"
    )
