"""Row ids as people and clients write them: ASCII digits, within what the columns hold."""

from __future__ import annotations

# Primary keys are INTEGER columns: int4 on Postgres, so the same bound on SQLite (whose
# int8 would take more) keeps an id valid on one database valid on the other.
MAX_ROW_ID = 2**31 - 1


def is_number(text: str) -> bool:
    """Whether `text` is written in ASCII digits only (`str.isdigit` also takes '²' and '٣')."""
    return text.isascii() and text.isdigit()


def parse_row_id(text: str) -> int | None:
    """The id `text` names, or None when it is not ASCII digits or is beyond `MAX_ROW_ID`."""
    if not is_number(text) or len(text.lstrip("0")) > len(str(MAX_ROW_ID)):
        return None
    number = int(text)
    return number if number <= MAX_ROW_ID else None
