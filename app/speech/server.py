"""Transcription by an OpenAI-compatible server (`POST /audio/transcriptions`), through the
real `openai` client: OpenAI itself, or a local Whisper server (faster-whisper-server,
whisper.cpp's server, LocalAI, vLLM)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import httpx
import openai

from app.speech.audio import Recording
from app.speech.errors import TranscriptionFailed

logger = logging.getLogger(__name__)


class ServerTranscriber:
    """Sends the WAV as recorded; the room names go along as the prompt (Whisper's hint for
    how words are spelt)."""

    name = "server"

    def __init__(self, client: openai.AsyncOpenAI, model: str, language: str) -> None:
        self.client, self.model, self.language = client, model, language

    async def transcribe(self, recording: Recording, room_names: Sequence[str]) -> str:
        """The words said, as the server writes them."""
        prompt = ("Rooms: " + ", ".join(room_names) + ".") if room_names else None
        try:
            result = await self.client.audio.transcriptions.create(
                model=self.model,
                file=("dictation.wav", recording.wav, "audio/wav"),
                language=self.language,
                response_format="json",
                **({"prompt": prompt} if prompt else {}),
            )
        except openai.APIStatusError as exc:
            logger.warning("Transcription server answered %s", exc.status_code)
            raise TranscriptionFailed(
                f"The transcription server refused the recording ({exc.status_code}: "
                f"{_message(exc)}); try again, or type the message."
            ) from None
        except (openai.APIConnectionError, httpx.TransportError) as exc:
            logger.warning("Transcription server unreachable: %s", exc)
            raise TranscriptionFailed(
                "The transcription server could not be reached; try again, or type the message."
            ) from None
        return result.text.strip()


def _message(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return error["message"][:200]
    return exc.message[:200]


def make_server_client(
    base_url: str, api_key: str, timeout_s: float, connect_timeout_s: float
) -> openai.AsyncOpenAI:
    """The client for a transcription server; no retries of its own (a person is waiting)."""
    return openai.AsyncOpenAI(
        base_url=base_url,
        api_key=api_key,
        timeout=httpx.Timeout(timeout_s, connect=connect_timeout_s),
        max_retries=0,
    )
