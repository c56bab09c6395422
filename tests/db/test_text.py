"""Text every database keeps: what cannot be stored is refused with where and why; everything
else, however far from ASCII, is kept exactly."""

from __future__ import annotations

import pytest
from sqlmodel import select

from app.db.models import Thread
from app.db.session import SessionFactory
from app.db.text import text_problem
from tests.support.people import person

KEEPABLE = [
    "",
    "Die Küche, bitte auf 19 °C",
    "🔥🏠 emoji outside the BMP",
    "客厅 / غرفة المعيشة / e\u0301",
    "tab\tnewline\nand \u200b zero width",
]


@pytest.mark.parametrize("text", KEEPABLE)
def test_text_any_database_keeps_has_no_problem(text: str) -> None:
    assert text_problem(text) == ""


async def test_text_with_no_problem_reads_back_exactly(sessions: SessionFactory) -> None:
    async with sessions() as session:
        user_id = await person(session)
        session.add_all([Thread(user_id=user_id, title=title) for title in KEEPABLE])
        await session.commit()
    async with sessions() as session:
        titles = (await session.exec(select(Thread.title).order_by(Thread.id))).all()
    assert list(titles) == KEEPABLE


def test_a_nul_character_is_refused_with_its_position() -> None:
    assert text_problem("ab\x00c\x00") == (
        "contains a NUL character (U+0000) at position 2; Hearth cannot store it: remove it."
    )


@pytest.mark.parametrize(
    ("text", "code", "position"), [("a\ud83d", "D83D", 1), ("\udfffb", "DFFF", 0)]
)
def test_a_lone_surrogate_is_refused_with_its_code_and_position(
    text: str, code: str, position: int
) -> None:
    assert text_problem(text) == (
        f"contains a lone surrogate (U+{code}) at position {position}, which is not Unicode "
        "text; send UTF-8 text (pair surrogates in \\u escapes)."
    )
