"""Spoken commands as WAV files, made offline: espeak-ng says the words, sox converts them
(Debian packages; scripts/ensure-system-packages installs them)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path


def spoken_wav(
    text: str,
    folder: Path,
    rate_hz: int = 16_000,
    channels: int = 1,
    silence_s: tuple[float, float] = (0.3, 1.5),
) -> Path:
    """`text` said in US English, as 16-bit PCM WAV at `rate_hz`, with silence before and
    after (a person's pause, which ends a dictation)."""
    slug = re.sub(r"\W+", "-", text.lower()).strip("-")[:60]
    said = folder / f"{slug}.espeak.wav"
    wav = folder / f"{slug}.{rate_hz}.{channels}.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(said), text], check=True)
    before, after = silence_s
    convert = ["sox", str(said), "-r", str(rate_hz), "-c", str(channels), "-b", "16", str(wav)]
    subprocess.run([*convert, "pad", str(before), str(after)], check=True)
    return wav
