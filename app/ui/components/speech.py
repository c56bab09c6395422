"""The microphone button of the composer and the read-aloud button of each reply (see
assets/hearth_speech.jsx)."""

from __future__ import annotations

import reflex as rx
from reflex.event import passthrough_event_spec

from app.settings import get_settings
from app.ui.state.speech import SpeechState
from app.ui.transcript import TranscriptMessage


class DictateButton(rx.Component):
    """Records until a pause after speech (or a second press), then hands over the WAV."""

    library = "$/public/hearth_speech.jsx"
    tag = "DictateButton"
    max_seconds: rx.Var[float]
    busy: rx.Var[bool]
    on_recorded: rx.EventHandler[passthrough_event_spec(str)]
    on_problem: rx.EventHandler[passthrough_event_spec(str)]


class ReadAloudButton(rx.Component):
    """Speaks a reply with the browser's voice; pressed again (or another), it stops."""

    library = "$/public/hearth_speech.jsx"
    tag = "ReadAloudButton"
    parts: rx.Var[list]
    message_id: rx.Var[int]
    lang: rx.Var[str]


def with_dictate_button(message_box: rx.Component) -> rx.Component:
    """The composer's message box with the microphone in its corner (where dictation is on):
    the box keeps its whole width, even on a phone."""
    return rx.box(
        message_box,
        rx.cond(
            SpeechState.can_dictate,
            DictateButton.create(
                max_seconds=SpeechState.dictation_max_s,
                busy=SpeechState.is_transcribing,
                on_recorded=SpeechState.transcribe,
                on_problem=SpeechState.tell_problem,
            ),
        ),
        class_name=rx.cond(SpeechState.can_dictate, "composer-input dictation", "composer-input"),
        width="100%",
    )


def read_aloud_button(message: TranscriptMessage) -> rx.Component:
    """Read this reply aloud (in the household's language)."""
    return ReadAloudButton.create(
        parts=message.parts, message_id=message.id, lang=get_settings().language
    )
