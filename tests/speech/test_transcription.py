"""Which transcriber the settings choose, and a recording through it."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.settings import Settings, SettingsError, load_settings
from app.speech.errors import AudioRejected, TranscriptionUnavailable
from app.speech.offline import OfflineTranscriber
from app.speech.server import ServerTranscriber
from app.speech.transcription import build_transcriber, chosen_transcriber, transcribe_wav
from tests.fakes.openai_server import FakeOpenAI
from tests.support.spoken import spoken_wav


@pytest.mark.parametrize(
    ("values", "chosen"),
    [
        ({}, "offline"),
        ({"transcription_base_url": "http://127.0.0.1:9/v1"}, "server"),
        ({"dictation": "offline", "transcription_base_url": "http://127.0.0.1:9/v1"}, "offline"),
        ({"dictation": "server", "HEARTH_API_KEY": "sk-test"}, "server"),
        ({"dictation": "off"}, None),
    ],
)
def test_the_settings_choose(values: dict[str, str], chosen: str | None) -> None:
    settings = Settings(**values)
    assert chosen_transcriber(settings) == chosen
    built = build_transcriber(settings)
    assert (built.name if built else None) == chosen


def test_a_server_needs_somewhere_to_go(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEARTH_DICTATION", "server")
    for name in ("HEARTH_API_KEY", "OPENAI_API_KEY", "HEARTH_TRANSCRIPTION_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(SettingsError, match="HEARTH_DICTATION=server needs HEARTH_TRANSCRIPTION"):
        load_settings()


def test_dictation_is_at_most_20_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEARTH_DICTATION_MAX_S", "60")
    with pytest.raises(SettingsError, match="HEARTH_DICTATION_MAX_S: Input should be less than"):
        load_settings()


async def test_a_wav_through_the_offline_default(tmp_path: Path) -> None:
    wav = spoken_wav("set the kitchen to nineteen and a half", tmp_path).read_bytes()
    transcriber = build_transcriber(Settings())
    assert isinstance(transcriber, OfflineTranscriber)
    text = await transcribe_wav(transcriber, wav, ["kitchen"], max_seconds=15)
    assert text == "set the kitchen to nineteen and a half"


async def test_a_wav_through_a_configured_server(tmp_path: Path) -> None:
    wav = spoken_wav("how warm is the bedroom", tmp_path).read_bytes()
    with FakeOpenAI() as fake:
        fake.script_transcripts("How warm is the bedroom?")
        transcriber = build_transcriber(Settings(transcription_base_url=fake.base_url))
        assert isinstance(transcriber, ServerTranscriber)
        text = await transcribe_wav(transcriber, wav, ["bedroom"], max_seconds=15)
    assert text == "How warm is the bedroom?"
    assert fake.requests[-1]["body"]["model"] == "whisper-1"


async def test_limits_are_checked_before_anything_is_sent(tmp_path: Path) -> None:
    wav = spoken_wav("how warm is the bedroom", tmp_path).read_bytes()
    with FakeOpenAI() as fake:
        transcriber = build_transcriber(Settings(transcription_base_url=fake.base_url))
        with pytest.raises(AudioRejected, match="at most 1 seconds"):
            await transcribe_wav(transcriber, wav, [], max_seconds=1)
    assert fake.requests == []


async def test_switched_off_says_so() -> None:
    with pytest.raises(
        TranscriptionUnavailable, match=r"\(HEARTH_DICTATION=off\); type the message"
    ):
        await transcribe_wav(None, b"RIFF", [], max_seconds=15)
