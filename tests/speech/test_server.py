"""Transcription by an OpenAI-compatible server: the real `openai` client against the fake
server's `/v1/audio/transcriptions` (multipart upload in, `{"text": ...}` out)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.speech.audio import read_wav
from app.speech.errors import TranscriptionFailed
from app.speech.server import ServerTranscriber, make_server_client
from tests.fakes.openai_server import FakeOpenAI
from tests.support.spoken import spoken_wav

ROOMS = ["kitchen", "home office"]


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


def transcriber_for(base_url: str) -> ServerTranscriber:
    client = make_server_client(base_url, "test-key", timeout_s=5, connect_timeout_s=2)
    return ServerTranscriber(client, "whisper-1", "en")


async def test_the_recording_goes_to_the_server_and_its_text_comes_back(
    fake: FakeOpenAI, tmp_path: Path
) -> None:
    wav = spoken_wav("set the kitchen to nineteen and a half", tmp_path)
    fake.script_transcripts(" Set the kitchen to 19.5. ")
    text = await transcriber_for(fake.base_url).transcribe(read_wav(wav.read_bytes(), 15), ROOMS)
    assert text == "Set the kitchen to 19.5."
    sent = fake.requests[-1]
    assert sent["path"] == "/v1/audio/transcriptions"
    assert sent["audio"] == wav.read_bytes()
    assert sent["body"] == {
        "model": "whisper-1",
        "language": "en",
        "response_format": "json",
        "prompt": "Rooms: kitchen, home office.",
        "filename": "dictation.wav",
        "content_type": "audio/wav",
    }


@pytest.mark.parametrize("status", [401, 500])
async def test_a_refusal_is_a_failure_that_says_so(
    fake: FakeOpenAI, tmp_path: Path, status: int
) -> None:
    wav = spoken_wav("how warm is the bedroom", tmp_path)
    fake.script_transcripts(status)
    with pytest.raises(TranscriptionFailed, match=f"refused the recording \\({status}: fake error"):
        await transcriber_for(fake.base_url).transcribe(read_wav(wav.read_bytes(), 15), ROOMS)


async def test_an_unreachable_server_is_a_failure_that_says_so(tmp_path: Path) -> None:
    wav = spoken_wav("how warm is the bedroom", tmp_path)
    with FakeOpenAI() as gone:
        base_url = gone.base_url
    with pytest.raises(TranscriptionFailed, match="could not be reached; try again, or type"):
        await transcriber_for(base_url).transcribe(read_wav(wav.read_bytes(), 15), ROOMS)
