"""`POST /api/audio/transcriptions`: dictation for API clients, in the shape of OpenAI's
endpoint (a multipart form with a WAV `file`; `{"text": ...}` back), so any client of that
API (the `openai` package among them) can use Hearth's transcriber: offline, or the server
the settings name. The recording is checked as the web page's is (`app/speech/audio.py`)."""

from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from app.api.auth import authenticated
from app.api.errors import ApiError, bad_request
from app.db.models import User
from app.home.rooms import list_rooms
from app.services import get_services
from app.speech.audio import max_wav_bytes
from app.speech.errors import SpeechError, TranscriptionFailed, TranscriptionUnavailable
from app.speech.transcription import get_transcriber, transcribe_wav

# Room for the form's boundaries and its other fields (`model`, `language`, ...).
_FORM_OVERHEAD_BYTES = 16_384


def max_request_bytes() -> int:
    """The largest request taken: the longest recording dictation allows, and the form."""
    return max_wav_bytes(get_services().settings.dictation_max_s) + _FORM_OVERHEAD_BYTES


async def _recording(request: Request) -> bytes:
    """The `file` of the form, refused unread when the request says it is too large."""
    limit = max_request_bytes()
    declared = request.headers.get("content-length", "")
    if not declared.isascii() or not declared.isdigit():
        raise ApiError(411, "Send the recording with a Content-Length header.")
    if int(declared) > limit:
        seconds = get_services().settings.dictation_max_s
        raise ApiError(
            413,
            f"file: the request is {int(declared):,} bytes; a recording can be at most "
            f"{seconds:g} seconds of 16 kHz mono WAV ({limit:,} bytes with the form).",
            "file",
        )
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise ApiError(
            415,
            "Send the recording as multipart/form-data with the WAV in the `file` field.",
        )
    async with request.form(max_files=1, max_fields=10) as form:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise bad_request("file", "is required: the recording, as a WAV file.")
        return await upload.read()


@authenticated
async def transcription_endpoint(request: Request, user: User) -> Response:
    """`POST /api/audio/transcriptions`: the words said in a WAV recording."""
    wav = await _recording(request)
    services = get_services()
    async with services.sessions() as session:
        room_names = [room.name for room in await list_rooms(session)]
    try:
        text = await transcribe_wav(
            get_transcriber(), wav, room_names, services.settings.dictation_max_s
        )
    except TranscriptionUnavailable as exc:
        raise ApiError(503, str(exc)) from exc
    except TranscriptionFailed as exc:
        raise ApiError(502, str(exc)) from exc
    except SpeechError as exc:
        raise bad_request("file", str(exc)) from exc
    return JSONResponse({"text": text})
