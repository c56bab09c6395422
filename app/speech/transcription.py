"""Dictation: a recording in, the words said out, by the transcriber the settings choose."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache
from typing import Literal, Protocol

from app.settings import Settings, get_settings
from app.speech.audio import Recording, read_wav
from app.speech.errors import TranscriptionUnavailable

logger = logging.getLogger(__name__)

TranscriberName = Literal["offline", "server"]


class Transcriber(Protocol):
    """Turns a checked recording into text; the home's room names help it spell them."""

    name: str

    async def transcribe(self, recording: Recording, room_names: Sequence[str]) -> str:
        """The words said ("" when nothing was heard)."""
        ...


def chosen_transcriber(settings: Settings) -> TranscriberName | None:
    """Which transcriber dictation uses: `auto` is the server when a URL is set, else
    offline; None when dictation is off."""
    if settings.dictation == "off":
        return None
    if settings.dictation == "auto":
        return "server" if settings.transcription_base_url else "offline"
    return settings.dictation


def build_transcriber(settings: Settings) -> Transcriber | None:
    """The transcriber the settings name (None: dictation is off)."""
    chosen = chosen_transcriber(settings)
    if chosen is None:
        return None
    if chosen == "offline":
        from app.speech.offline import OfflineTranscriber

        return OfflineTranscriber(settings.language)
    from app.speech.server import ServerTranscriber, make_server_client

    key = settings.transcription_api_key or settings.api_key
    client = make_server_client(
        settings.transcription_base_url or "https://api.openai.com/v1",
        key.get_secret_value() if key else "not-needed",
        settings.request_timeout_s,
        settings.connect_timeout_s,
    )
    return ServerTranscriber(client, settings.transcription_model, settings.language)


@lru_cache(maxsize=1)
def get_transcriber() -> Transcriber | None:
    """The process's transcriber, built once from its settings."""
    return build_transcriber(get_settings())


async def transcribe_wav(
    transcriber: Transcriber | None, wav: bytes, room_names: Sequence[str], max_seconds: float
) -> str:
    """The words said in a WAV recording, checked against the limits first."""
    if transcriber is None:
        raise TranscriptionUnavailable(
            "Dictation is switched off here (HEARTH_DICTATION=off); type the message instead."
        )
    recording = read_wav(wav, max_seconds)
    text = await transcriber.transcribe(recording, room_names)
    logger.debug("Transcribed %.1f s with %s", recording.seconds, transcriber.name)
    return text
