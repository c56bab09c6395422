"""What a person types into search, read as words: phrases, a prefix while typing, FTS5's
syntax quoted away, limits that say what is allowed; and the fold that compares words."""

from __future__ import annotations

import unicodedata

import pytest
from sqlalchemy import create_engine, text

from app.assistant.errors import InvalidSearch
from app.assistant.search_query import MAX_QUERY_CHARS, SearchQuery, fold, parse_query
from app.urls import to_sync_url
from tests.conftest import POSTGRES_URL


def test_words_typed_together_are_a_phrase() -> None:
    query = parse_query("  kitchen   19.5 living-room ")
    assert query == SearchQuery((("kitchen",), ("19", "5"), ("living", "room")), prefix=False)
    assert query.words == ("kitchen", "19", "5", "living", "room")


def test_the_last_word_is_a_prefix_until_a_space_ends_it() -> None:
    assert parse_query("kitch").prefix
    assert parse_query("kitchen 19.").prefix
    assert not parse_query("kitchen ").prefix


@pytest.mark.parametrize(
    ("typed", "match"),
    [
        ("kitchen 19", '"kitchen" AND "19" *'),
        ('"kitchen" OR bath*', '"kitchen" AND "OR" AND "bath" *'),
        ("NEAR(a b) col:x ", '"NEAR a" AND "b" AND "col x"'),
        ('say "hi"', '"say" AND "hi" *'),
    ],
)
def test_fts5_sees_only_quoted_words(typed: str, match: str) -> None:
    assert parse_query(typed).fts5_match() == match


def test_words_are_letters_and_digits_of_any_script() -> None:
    assert parse_query("Küche Straße 19°C").words == ("kuche", "straße", "19", "c")
    assert parse_query("a_b\x00c\ud800d").words == ("a", "b", "c", "d")


@pytest.mark.parametrize("typed", ["", " \n\t", "?!", "„“ — …", "\x00\ud800"])
def test_nothing_to_search_for(typed: str) -> None:
    with pytest.raises(InvalidSearch, match=r"^Type a word to search for \(letters or digits\)\.$"):
        parse_query(typed)


def test_limits_say_what_is_allowed() -> None:
    parse_query("x" * MAX_QUERY_CHARS)
    with pytest.raises(InvalidSearch, match="at most 200 characters; this one has 201"):
        parse_query("x" * 201)
    parse_query("a.b.c.d.e.f.g.h.i.j.k.l")
    with pytest.raises(InvalidSearch, match="at most 12 words; this one has 13"):
        parse_query("a.b.c.d.e.f.g.h.i.j.k.l.m")


def test_fold_drops_case_and_diacritics() -> None:
    assert [fold(w) for w in ["KÜCHE", "Çà", "ÅSA", "ß", "Ørsted"]] == [
        "kuche",
        "ca",
        "asa",
        "ß",
        "ørsted",
    ]


@pytest.mark.skipif(not POSTGRES_URL, reason="Postgres folds in SQL; SQLite's tokenizer folds")
def test_postgres_folds_words_as_search_highlights_them(database_url: str) -> None:
    """Every Latin letter the index folds to a base letter is one `fold` makes the same, and
    punctuation cuts words there as it does here."""
    letters = [chr(c) for c in range(0xC0, 0x250) if unicodedata.category(chr(c)).startswith("L")]
    engine = create_engine(to_sync_url(database_url))
    with engine.connect() as conn:
        folded = conn.execute(
            text("SELECT hearth_search_fold(:letters)"), {"letters": " ".join(letters)}
        ).scalar_one()
        cut = conn.execute(
            text("SELECT hearth_search_fold(:text)"), {"text": "19.5°C, living-room's „Küche“"}
        ).scalar_one()
    engine.dispose()
    differ = [
        (letter, by_sql)
        for letter, by_sql in zip(letters, folded.split(" "), strict=True)
        if by_sql.isascii() and by_sql != fold(letter)
    ]
    assert differ == []
    assert tuple(cut.split()) == parse_query("19.5°C, living-room's „Küche“").words
