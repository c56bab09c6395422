"""What a person typed into search, read as words: never as syntax of either database.

A word is a run of letters and digits (as both indexes cut text: SQLite's unicode61
tokenizer, and Postgres after `hearth_search_fold`); everything else separates words.
Words typed together without a space ("19.5", "living-room") form a phrase: they must
follow each other. Every phrase must match, and the last word matches as a prefix while it
is still being typed ("kitch" finds "kitchen"; a space after it ends it).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from app.assistant.errors import InvalidSearch

MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 12

_WORD = re.compile(r"[^\W_]+")


def fold(word: str) -> str:
    """A word as the indexes compare it: lower case, Latin letters without diacritics."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def words_of(text: str) -> list[re.Match[str]]:
    """The words of a text, where they stand."""
    return list(_WORD.finditer(text))


@dataclass(frozen=True)
class SearchQuery:
    """Phrases that must all match (each its words in order); `prefix`: the last word may
    be the start of a longer one."""

    phrases: tuple[tuple[str, ...], ...]
    prefix: bool

    @property
    def words(self) -> tuple[str, ...]:
        """Every word, folded, in the order typed."""
        return tuple(fold(word) for phrase in self.phrases for word in phrase)

    def fts5_match(self) -> str:
        """The query in FTS5's syntax: each phrase a quoted string (so no word is read as an
        operator or a column), the last one ending in `*` when it is a prefix."""
        quoted = ['"' + " ".join(phrase).replace('"', '""') + '"' for phrase in self.phrases]
        if self.prefix:
            quoted[-1] += " *"
        return " AND ".join(quoted)


def parse_query(text: str) -> SearchQuery:
    """The words of a search; `InvalidSearch` says why there is nothing to search for."""
    if len(text) > MAX_QUERY_CHARS:
        raise InvalidSearch(
            f"A search is at most {MAX_QUERY_CHARS} characters; this one has {len(text)}."
        )
    phrases = tuple(
        tuple(match.group() for match in found)
        for found in (words_of(chunk) for chunk in text.split())
        if found
    )
    if not phrases:
        raise InvalidSearch("Type a word to search for (letters or digits).")
    count = sum(len(phrase) for phrase in phrases)
    if count > MAX_QUERY_WORDS:
        raise InvalidSearch(
            f"A search is at most {MAX_QUERY_WORDS} words; this one has {count}. "
            "Leave out the ones that are not needed."
        )
    return SearchQuery(phrases, prefix=not text[-1].isspace())
