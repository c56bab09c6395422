"""A dictated recording checked against the limits, and converted to 16 kHz mono."""

from __future__ import annotations

import base64
import io
import wave
from pathlib import Path

import pytest

from app.speech.audio import SPEECH_RATE_HZ, decode_base64, max_wav_bytes, read_wav
from app.speech.errors import AudioRejected
from tests.support.spoken import spoken_wav


def wav_bytes(seconds: float, rate_hz: int = 16_000, channels: int = 1, width: int = 2) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(width)
        wav.setframerate(rate_hz)
        wav.writeframes(bytes(int(seconds * rate_hz) * channels * width))
    return buffer.getvalue()


def test_a_16k_mono_recording_is_taken_as_it_is() -> None:
    data = wav_bytes(2.0)
    recording = read_wav(data, max_seconds=15)
    assert recording.wav == data
    assert recording.seconds == pytest.approx(2.0)
    assert len(recording.samples) == 2 * SPEECH_RATE_HZ * 2


@pytest.mark.parametrize(("rate_hz", "channels"), [(44_100, 2), (48_000, 1), (8_000, 1)])
def test_other_rates_and_stereo_become_16k_mono(rate_hz: int, channels: int) -> None:
    recording = read_wav(wav_bytes(1.0, rate_hz, channels), max_seconds=15)
    assert len(recording.samples) == pytest.approx(2 * SPEECH_RATE_HZ, abs=4)


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "The recording is empty"),
        (b"OggS" + bytes(100), "not a WAV file; send 16-bit PCM WAV"),
        (b"RIFF" + bytes(4) + b"WAVE" + bytes(8), "cannot be read"),
        (wav_bytes(1.0, width=1), "1 channel(s) of 8-bit samples; send 16-bit PCM"),
        (wav_bytes(1.0, channels=3), "3 channel(s) of 16-bit samples; send 16-bit PCM, mono"),
        (wav_bytes(1.0, rate_hz=96_000), "96,000 Hz; send 8,000 to 48,000 Hz"),
        (wav_bytes(16.5), "16.5 seconds long; dictation takes at most 15 seconds"),
        (wav_bytes(0.1), "too short to hold a word; speak for at least 0.3 seconds"),
    ],
)
def test_refusals_say_what_was_wrong_and_what_is_allowed(data: bytes, says: str) -> None:
    with pytest.raises(AudioRejected) as refused:
        read_wav(data, max_seconds=15)
    assert says in str(refused.value)


def test_base64_is_decoded_within_the_size_limit() -> None:
    data = wav_bytes(1.0)
    assert decode_base64(base64.b64encode(data).decode(), max_seconds=15) == data


def test_base64_past_the_limit_is_refused_unread() -> None:
    text = "A" * ((max_wav_bytes(2) * 4) // 3 + 400)
    with pytest.raises(AudioRejected, match=r"too large .*at most 2 seconds"):
        decode_base64(text, max_seconds=2)


def test_base64_that_is_not_is_refused() -> None:
    with pytest.raises(AudioRejected, match="not base64-encoded WAV"):
        decode_base64("not base64!", max_seconds=15)


def test_a_spoken_command_is_read(tmp_path: Path) -> None:
    recording = read_wav(spoken_wav("how warm is the bedroom", tmp_path).read_bytes(), 15)
    assert 1.5 < recording.seconds < 5
