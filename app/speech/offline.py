"""The offline default: PocketSphinx with the US English model its PyPI wheel ships.

No download at run time, about 0.2 s of CPU for a spoken command, 38 MB installed. The
recogniser is held to Hearth's commands (phrases.py), rebuilt when the rooms change.
"""

from __future__ import annotations

import array
import asyncio
import logging
import threading
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from app.speech.audio import SPEECH_RATE_HZ, Recording
from app.speech.errors import TranscriptionUnavailable
from app.speech.phrases import command_grammar, spoken_room_names

if TYPE_CHECKING:
    from pocketsphinx import Decoder

logger = logging.getLogger(__name__)

# The languages the shipped models speak.
LANGUAGES = ("en",)

# Digital silence around the words (a file's padding, a muted start) throws the model's
# feature normalisation off ("nineteen" heard as "eighty"): decoded are the words, from a
# quarter of a second before the first 10 ms that peaks above -40 dBFS to as long after.
_FRAME = SPEECH_RATE_HZ // 100
_LOUD = 328
_MARGIN = SPEECH_RATE_HZ // 4
# Where the 10 ms frames fall decides close calls ("nineteen" or "twenty two"): the words
# are decoded from three starting points a third of a frame apart, and the majority wins
# (measured on espeak-ng commands shifted sample by sample: 85% right alone, 98% voted).
_FRAME_OFFSETS = (0, _FRAME // 3, 2 * _FRAME // 3)


class OfflineTranscriber:
    """Transcribes on this machine; one decoder, used by one recording at a time."""

    name = "offline"

    def __init__(self, language: str) -> None:
        self.language = language
        self._lock = threading.Lock()
        self._decoder: Decoder | None = None
        self._grammar = ""

    async def transcribe(self, recording: Recording, room_names: Sequence[str]) -> str:
        """The words said, as the nearest sentence Hearth understands ("" for none)."""
        if self.language not in LANGUAGES:
            raise TranscriptionUnavailable(
                f"Offline dictation speaks {', '.join(LANGUAGES)} only, not "
                f"{self.language!r}; set HEARTH_TRANSCRIPTION_BASE_URL to an "
                "OpenAI-compatible transcription server to dictate in this language."
            )
        # PocketSphinx holds the CPU: in a thread, so the worker's other users go on.
        return await asyncio.to_thread(self._decode, recording.samples, tuple(room_names))

    def _decode(self, samples: bytes, room_names: tuple[str, ...]) -> str:
        samples = speech_span(samples)
        if not samples:
            return ""  # nothing above a whisper
        heard: list[str] = []
        with self._lock:
            decoder = self._decoder_for(room_names)
            for offset in _FRAME_OFFSETS:
                decoder.start_utt()
                decoder.process_raw(samples[2 * offset :], full_utt=True)
                decoder.end_utt()
                hypothesis = decoder.hyp()
                heard.append(hypothesis.hypstr.strip() if hypothesis is not None else "")
        # Counter keeps first-seen order: a three-way split goes to the unshifted reading.
        return Counter(heard).most_common(1)[0][0]

    def _decoder_for(self, room_names: tuple[str, ...]) -> Decoder:
        # Imported on first use: the model is 38 MB.
        from pocketsphinx import Config, Decoder

        if self._decoder is None:
            config = Config(lm=None, loglevel="ERROR", samprate=SPEECH_RATE_HZ)
            self._decoder = Decoder(config)
        decoder = self._decoder
        rooms = spoken_room_names(room_names, lambda word: decoder.lookup_word(word) is not None)
        grammar = command_grammar(rooms)
        if grammar != self._grammar:
            if len(rooms) < len(room_names):
                logger.info("Dictation cannot say %d room name(s)", len(room_names) - len(rooms))
            decoder.add_jsgf_string("hearth", grammar)
            decoder.activate_search("hearth")
            self._grammar = grammar
        return decoder


def speech_span(samples: bytes) -> bytes:
    """The 16 kHz samples from just before the first loud frame to just after the last
    (no samples at all when none is loud)."""
    pcm = array.array("h")
    pcm.frombytes(samples)
    loud = [
        start
        for start in range(0, len(pcm), _FRAME)
        if max(map(abs, pcm[start : start + _FRAME])) > _LOUD
    ]
    if not loud:
        return b""
    first, last = max(0, loud[0] - _MARGIN), min(len(pcm), loud[-1] + _FRAME + _MARGIN)
    return pcm[first:last].tobytes()
