"""A dictated recording: a WAV file checked against the limits, as 16 kHz mono samples.

Browsers send 16 kHz mono 16-bit PCM WAV (assets/hearth_speech.jsx records it); any other
PCM WAV (8 to 48 kHz, mono or stereo) is converted, so an API client may send its own.
"""

from __future__ import annotations

import array
import base64
import binascii
import io
import itertools
import sys
import wave
from dataclasses import dataclass

from app.speech.errors import AudioRejected

SPEECH_RATE_HZ = 16_000
MIN_RATE_HZ, MAX_RATE_HZ = 8_000, 48_000
# Shorter than a word: a click of the button, not something said.
MIN_SECONDS = 0.3


@dataclass(frozen=True)
class Recording:
    """A checked recording: the WAV as sent (for a server) and its 16 kHz mono samples."""

    wav: bytes
    samples: bytes  # 16-bit little-endian PCM, mono, SPEECH_RATE_HZ
    seconds: float


def max_wav_bytes(max_seconds: float) -> int:
    """The largest WAV a recording of `max_seconds` may be, at 16 kHz mono (plus a header)."""
    return int(max_seconds * SPEECH_RATE_HZ * 2) + 1024


def decode_base64(text: str, max_seconds: float) -> bytes:
    """The bytes of a base64 recording, refused unread past the size `max_seconds` allows."""
    limit = max_wav_bytes(max_seconds)
    if len(text) > (limit * 4) // 3 + 4:
        raise AudioRejected(
            f"The recording is too large ({len(text) * 3 // 4:,} bytes); dictation takes at "
            f"most {max_seconds:g} seconds ({limit:,} bytes of 16 kHz mono WAV)."
        )
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise AudioRejected("The recording is not base64-encoded WAV audio.") from None


def read_wav(data: bytes, max_seconds: float) -> Recording:
    """Check a WAV recording against the limits and convert it to 16 kHz mono samples."""
    if not data:
        raise AudioRejected("The recording is empty; hold the microphone button and speak.")
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise AudioRejected("The recording is not a WAV file; send 16-bit PCM WAV audio.")
    try:
        with wave.open(io.BytesIO(data)) as wav:
            channels, width, rate = wav.getnchannels(), wav.getsampwidth(), wav.getframerate()
            frames = wav.getnframes()
            pcm = wav.readframes(frames)
    except (wave.Error, EOFError) as exc:
        raise AudioRejected(f"The WAV file cannot be read ({exc}); send 16-bit PCM WAV.") from None
    if width != 2 or channels not in (1, 2):
        raise AudioRejected(
            f"The WAV file has {channels} channel(s) of {width * 8}-bit samples; "
            "send 16-bit PCM, mono or stereo."
        )
    if not MIN_RATE_HZ <= rate <= MAX_RATE_HZ:
        raise AudioRejected(
            f"The WAV file's sample rate is {rate:,} Hz; send {MIN_RATE_HZ:,} to "
            f"{MAX_RATE_HZ:,} Hz (16,000 is best)."
        )
    seconds = frames / rate
    if seconds > max_seconds:
        raise AudioRejected(
            f"The recording is {seconds:.1f} seconds long; dictation takes at most "
            f"{max_seconds:g} seconds. Say it in shorter parts."
        )
    if seconds < MIN_SECONDS:
        raise AudioRejected(
            f"The recording is {seconds:.2f} seconds long, too short to hold a word; "
            f"speak for at least {MIN_SECONDS:g} seconds."
        )
    return Recording(wav=data, samples=_to_speech_rate(pcm, channels, rate), seconds=seconds)


def _to_speech_rate(pcm: bytes, channels: int, rate: int) -> bytes:
    """Mono at 16 kHz: channels averaged; then each output sample the mean of the input
    samples around it (which keeps what is above 8 kHz from folding into speech)."""
    samples = array.array("h")
    samples.frombytes(pcm)
    if sys.byteorder == "big":
        samples.byteswap()
    if channels == 2:
        pairs = zip(samples[::2], samples[1::2], strict=True)
        samples = array.array("h", ((left + right) // 2 for left, right in pairs))
    if rate != SPEECH_RATE_HZ and samples:
        sums = [0, *itertools.accumulate(samples)]
        step, total = rate / SPEECH_RATE_HZ, len(samples)
        half = max(step / 2, 0.5)
        count = int(total / step)
        resampled = array.array("h", bytes(2 * count))
        for i in range(count):
            centre = i * step
            low = max(0, int(centre - half + 0.5))
            high = min(total, max(low + 1, int(centre + half + 0.5)))
            resampled[i] = (sums[high] - sums[low]) // (high - low)
        samples = resampled
    if sys.byteorder == "big":
        samples.byteswap()
    return samples.tobytes()
