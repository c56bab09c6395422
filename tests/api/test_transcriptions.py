"""`POST /api/audio/transcriptions`: an API client dictates through Hearth's transcriber in
the shape of OpenAI's endpoint, with the real `openai` client, and bad recordings are refused
saying what was wrong."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest

from app.api.routes import build_api
from app.settings import get_settings
from app.speech.transcription import get_transcriber
from tests.support.spoken import spoken_wav

pytestmark = pytest.mark.usefixtures("api_settings")


@pytest.fixture(autouse=True)
def offline_transcriber(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Dictation as `make run` has it: offline (no transcription server named)."""
    monkeypatch.delenv("HEARTH_TRANSCRIPTION_BASE_URL", raising=False)
    monkeypatch.setenv("HEARTH_DICTATION", "auto")
    get_transcriber.cache_clear()
    yield
    get_transcriber.cache_clear()


async def test_the_openai_client_dictates_a_command_through_hearth(
    alice: dict[str, str], tmp_path: Path
) -> None:
    wav = spoken_wav("how warm is the bedroom", tmp_path)
    token = alice["Authorization"].removeprefix("Bearer ")
    transport = httpx.ASGITransport(app=build_api())
    async with httpx.AsyncClient(transport=transport) as http:
        client = openai.AsyncOpenAI(
            base_url="http://hearth.test/api", api_key=token, http_client=http, max_retries=0
        )
        with wav.open("rb") as audio:
            said = await client.audio.transcriptions.create(model="hearth", file=audio)
    assert said.text == "how warm is the bedroom"


async def test_recordings_hearth_cannot_read_are_refused_saying_why(
    client: httpx.AsyncClient, alice: dict[str, str], tmp_path: Path
) -> None:
    url = "/api/audio/transcriptions"
    not_wav = await client.post(url, headers=alice, files={"file": ("a.wav", b"hello")})
    assert not_wav.status_code == 400
    assert not_wav.json()["error"]["field"] == "file"
    assert "not a WAV file" in not_wav.json()["error"]["message"]

    missing = await client.post(url, headers=alice, data={"model": "hearth"}, files={"x": b"1"})
    assert (missing.status_code, missing.json()["error"]["field"]) == (400, "file")

    as_json = await client.post(url, headers=alice, json={"file": "hello"})
    assert as_json.status_code == 415
    assert "multipart/form-data" in as_json.json()["error"]["message"]

    huge = b"\0" * 2_000_000
    too_big = await client.post(url, headers=alice, files={"file": ("long.wav", huge)})
    assert too_big.status_code == 413
    seconds = get_settings().dictation_max_s
    assert f"can be at most {seconds:g} seconds" in too_big.json()["error"]["message"]

    wav = spoken_wav("how warm is the bedroom", tmp_path)
    signed_out = await client.post(url, files={"file": ("a.wav", wav.read_bytes())})
    assert signed_out.status_code == 401
