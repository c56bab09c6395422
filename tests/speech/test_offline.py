"""The offline default: spoken commands (espeak-ng WAVs) transcribed by PocketSphinx, held to
Hearth's sentences, and read by the offline assistant's understanding."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.assistant.understanding.intents import Intent
from app.assistant.understanding.parser import Understanding
from app.speech.audio import read_wav
from app.speech.errors import TranscriptionUnavailable
from app.speech.offline import OfflineTranscriber
from tests.support.spoken import spoken_wav

ROOMS = ["bathroom", "bedroom", "home office", "kitchen", "living room"]


@pytest.fixture(scope="module")
def transcriber() -> OfflineTranscriber:
    return OfflineTranscriber("en")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("spoken")


@pytest.mark.parametrize(
    "said",
    [
        "set the kitchen to nineteen and a half",
        "how warm is the bedroom",
        "make the home office twenty two",
    ],
)
async def test_a_spoken_command_is_written_word_for_word(
    transcriber: OfflineTranscriber, folder: Path, said: str
) -> None:
    wav = spoken_wav(said, folder)
    assert await transcriber.transcribe(read_wav(wav.read_bytes(), 15), ROOMS) == said


@pytest.mark.parametrize(
    ("said", "rate_hz", "channels", "meaning"),
    [
        # Short words may be lost ("set living room twenty one degrees"): the meaning stays.
        (
            "set the living room to twenty one degrees",
            16_000,
            1,
            Intent("set", ("living room",), 21),
        ),
        ("make the home office twenty two", 22_050, 1, Intent("set", ("home office",), 22)),
        ("how warm is the bedroom", 44_100, 2, Intent("read", ("bedroom",))),
    ],
)
async def test_other_rates_are_understood_alike(
    transcriber: OfflineTranscriber,
    folder: Path,
    said: str,
    rate_hz: int,
    channels: int,
    meaning: Intent,
) -> None:
    wav = spoken_wav(said, folder, rate_hz=rate_hz, channels=channels)
    text = await transcriber.transcribe(read_wav(wav.read_bytes(), 15), ROOMS)
    assert Understanding("en").parse(text, ROOMS) == (meaning,)


async def test_the_words_reach_the_offline_assistant_as_a_command(
    transcriber: OfflineTranscriber, folder: Path
) -> None:
    wav = spoken_wav("set the kitchen to nineteen and a half", folder)
    text = await transcriber.transcribe(read_wav(wav.read_bytes(), 15), ROOMS)
    assert Understanding("en").parse(text, ROOMS) == (Intent("set", ("kitchen",), celsius=19.5),)


async def test_the_homes_own_room_names_are_heard(
    transcriber: OfflineTranscriber, folder: Path
) -> None:
    wav = spoken_wav("how warm is the garage", folder)
    recording = read_wav(wav.read_bytes(), 15)
    assert await transcriber.transcribe(recording, [*ROOMS, "Garage"]) == "how warm is the garage"


async def test_silence_is_no_words(transcriber: OfflineTranscriber, folder: Path) -> None:
    silence = spoken_wav("", folder, silence_s=(1.0, 1.0))
    assert await transcriber.transcribe(read_wav(silence.read_bytes(), 15), ROOMS) == ""


async def test_another_language_is_refused_naming_the_way_to_dictate_in_it(folder: Path) -> None:
    wav = spoken_wav("how warm is the bedroom", folder)
    with pytest.raises(TranscriptionUnavailable, match=r"en only, not 'de'.*TRANSCRIPTION_BASE"):
        await OfflineTranscriber("de").transcribe(read_wav(wav.read_bytes(), 15), ROOMS)
