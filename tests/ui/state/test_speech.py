"""Dictation's server side: a recording from a signed-in tab, written down against the home's
rooms on the test's database; what is refused says why."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from app.accounts.sessions import start_session
from app.db.models import User
from app.db.session import SessionFactory
from app.ui.state.speech import NOTHING_UNDERSTOOD, dictated_text, with_dictation
from tests.support.people import person
from tests.support.spoken import spoken_wav


@pytest.fixture
async def token(services: None, sessions: SessionFactory) -> str:
    async with sessions() as session:
        user = await session.get(User, await person(session, "alice"))
        assert user is not None
        return await start_session(session, user)


def as_base64(wav: Path) -> str:
    return base64.b64encode(wav.read_bytes()).decode()


async def test_a_signed_in_person_gets_the_words(token: str, tmp_path: Path) -> None:
    wav = spoken_wav("set the kitchen to nineteen and a half", tmp_path)
    assert await dictated_text(token, as_base64(wav)) == (
        "set the kitchen to nineteen and a half",
        "",
    )


async def test_someone_signed_out_is_asked_to_sign_in(services: None, tmp_path: Path) -> None:
    wav = spoken_wav("how warm is the bedroom", tmp_path)
    assert await dictated_text("not-a-session", as_base64(wav)) == ("", "Sign in to dictate.")


async def test_a_recording_that_is_not_wav_says_what_to_send(token: str) -> None:
    text, problem = await dictated_text(token, base64.b64encode(b"OggS" + bytes(64)).decode())
    assert text == "" and "not a WAV file; send 16-bit PCM WAV" in problem


async def test_silence_says_nothing_was_understood(token: str, tmp_path: Path) -> None:
    silence = spoken_wav("", tmp_path, silence_s=(1.0, 1.0))
    assert await dictated_text(token, as_base64(silence)) == ("", NOTHING_UNDERSTOOD)


@pytest.mark.parametrize(
    ("typed", "joined"),
    [("", "how warm"), ("Hello,", "Hello, how warm"), ("Hello,  ", "Hello, how warm")],
)
def test_dictation_goes_after_what_was_typed(typed: str, joined: str) -> None:
    assert with_dictation(typed, "how warm") == joined
