"""Row ids as people and clients write them: ASCII digits only, within what an INTEGER column
holds on every database."""

from __future__ import annotations

import pytest

from app.db.ids import MAX_ROW_ID, is_number, parse_row_id
from app.db.models import Thread
from app.db.session import SessionFactory
from tests.support.people import person


@pytest.mark.parametrize(
    ("text", "row_id"),
    [
        ("42", 42),
        ("007", 7),
        ("0" * 40 + "1", 1),
        ("2147483647", MAX_ROW_ID),
        ("2147483648", None),
        ("9" * 4000, None),
        ("", None),
        ("-1", None),
        ("+1", None),
        ("1.0", None),
        (" 1", None),
        ("1e3", None),
        # Digits to str.isdigit, but not ASCII: superscript two, Arabic-Indic three.
        ("²", None),
        ("٣", None),
    ],
)
def test_only_ascii_digits_within_the_columns_bound_name_a_row(
    text: str, row_id: int | None
) -> None:
    assert parse_row_id(text) == row_id


def test_is_number_takes_ascii_digits_only() -> None:
    assert is_number("0123456789")
    assert not is_number("١٢٣") and not is_number("12a") and not is_number("")


async def test_the_largest_id_fits_the_columns(sessions: SessionFactory) -> None:
    async with sessions() as session:
        thread = Thread(id=MAX_ROW_ID, user_id=await person(session))
        session.add(thread)
        await session.commit()
        assert await session.get(Thread, MAX_ROW_ID, populate_existing=True) is not None
