"""Dictation in the chat page: a recording from the browser, written down by the transcriber
the settings choose (outside the state lock), and put into the composer for review."""

from __future__ import annotations

import logging

import reflex as rx

from app.accounts.sessions import user_for_token
from app.home.rooms import list_rooms
from app.services import get_services
from app.speech.audio import decode_base64
from app.speech.errors import SpeechError
from app.speech.transcription import chosen_transcriber, get_transcriber, transcribe_wav
from app.ui.state.auth import AuthState
from app.ui.state.chat import ChatState

logger = logging.getLogger(__name__)

NOTHING_UNDERSTOOD = (
    "Nothing was understood; try again closer to the microphone, or type the message."
)


def with_dictation(prompt: str, text: str) -> str:
    """The composer's text with the dictated words after what was already typed."""
    return f"{prompt.rstrip()} {text}" if prompt.strip() else text


async def dictated_text(session_token: str, audio_base64: str) -> tuple[str, str]:
    """The words said in a recording, or why there are none (a message for the person)."""
    services = get_services()
    max_seconds = services.settings.dictation_max_s
    async with services.sessions() as session:
        user = await user_for_token(session, session_token)
        if user is None:
            return "", "Sign in to dictate."
        room_names = [room.name for room in await list_rooms(session)]
    try:
        wav = decode_base64(audio_base64, max_seconds)
        text = await transcribe_wav(get_transcriber(), wav, room_names, max_seconds)
    except SpeechError as exc:
        return "", str(exc)
    except Exception:  # the boundary of one dictation: said, logged once, nothing lost
        logger.exception("Dictation failed")
        return "", "Dictation failed on the server; type the message instead."
    return (text, "") if text else ("", NOTHING_UNDERSTOOD)


class SpeechState(AuthState):
    """Whether dictation is on here, and whether a recording is being written down."""

    is_transcribing: bool = False

    @rx.var
    def can_dictate(self) -> bool:
        """Whether the microphone button is offered (HEARTH_DICTATION is not off)."""
        # From the settings alone: no transcriber is built (nor PocketSphinx imported) for a
        # page that only shows the button.
        return chosen_transcriber(get_services().settings) is not None

    @rx.var
    def dictation_max_s(self) -> float:
        """The longest recording the server takes."""
        return get_services().settings.dictation_max_s

    @rx.event(background=True)
    async def transcribe(self, audio: str):
        """Write down a recording (base64 WAV) and add it to the composer."""
        async with self:
            if self.is_transcribing:
                return
            self.is_transcribing = True
            token = self.session_token
        text, problem = "", "Dictation failed on the server; type the message instead."
        try:
            text, problem = await dictated_text(token, audio)
        finally:
            async with self:
                self.is_transcribing = False
                if text:
                    chat = await self.get_state(ChatState)
                    chat.prompt = with_dictation(chat.prompt, text)
        if problem:
            yield rx.toast.error(problem)
        else:
            yield rx.set_focus("composer")

    @rx.event
    def tell_problem(self, message: str):
        """What the browser could not do (no microphone, nothing heard)."""
        return rx.toast.error(message)
