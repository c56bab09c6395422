"""What can go wrong with dictation, each with a message a person can act on."""

from __future__ import annotations


class SpeechError(Exception):
    """The root of the speech errors; the message says what happened and what is allowed."""


class AudioRejected(SpeechError):
    """A recording that cannot be transcribed as sent (not WAV, too long, too short...)."""


class TranscriptionUnavailable(SpeechError):
    """No way to transcribe here: dictation is switched off, or no model for the language."""


class TranscriptionFailed(SpeechError):
    """The transcription server failed or refused; the recording may be sent again."""
