"""`GET /api/search?q=...`: the caller's messages that match, best first, each with its
thread and message (to open the thread at it) and a snippet with the matches marked."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from app.api.auth import authenticated
from app.api.errors import bad_request
from app.api.refusals import ApiAnswer, Described
from app.assistant.errors import InvalidSearch
from app.assistant.search import DEFAULT_HITS, MAX_HITS, search_messages
from app.assistant.search import SearchHit as FoundHit
from app.db.models import User
from app.services import get_services

_TIME = Described({"format": "date-time"})


class SnippetSegment(ApiAnswer):
    """A piece of a snippet, to show as text; `match`: one of the words searched for."""

    text: str
    match: bool


class SearchHit(ApiAnswer):
    """A message that matched, and where it is."""

    thread_id: str = Field(description="The thread: the client's id, or the number as text.")
    thread_number: int = Field(description="Hearth's thread number.")
    thread_title: str
    message_id: int = Field(description="The message, to scroll to in the thread.")
    role: Literal["user", "assistant"]
    created_at: Annotated[str, _TIME]
    snippet: list[SnippetSegment] = Field(
        description="The message's words around the matches (a change to the home as its "
        "card says it), cut with '…'; the segments joined are the snippet's text."
    )

    @classmethod
    def of(cls, hit: FoundHit) -> SearchHit:
        """The API's view of a hit."""
        return cls(
            thread_id=hit.thread_client_id or str(hit.thread_id),
            thread_number=hit.thread_id,
            thread_title=hit.thread_title,
            message_id=hit.message_id,
            role=hit.role,
            created_at=hit.created_at.isoformat(),
            snippet=[SnippetSegment(text=s.text, match=s.is_match) for s in hit.snippet],
        )


class SearchResults(ApiAnswer):
    """The hits, best first (relevance among the newest 500 matches)."""

    hits: list[SearchHit]


def _limit(request: Request) -> int:
    raw = request.query_params.get("limit")
    if raw is None:
        return DEFAULT_HITS
    if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_HITS):
        raise bad_request("limit", f"is a number from 1 to {MAX_HITS}, not {raw[:20]!r}.")
    return int(raw)


@authenticated
async def search_endpoint(request: Request, user: User) -> Response:
    """`GET /api/search?q=...&limit=...`: the caller's matching messages."""
    text = request.query_params.get("q")
    if text is None:
        raise bad_request("q", "is required: the words to search for, as in ?q=kitchen+19.")
    limit = _limit(request)
    try:
        async with get_services().sessions() as session:
            hits = await search_messages(session, user.id or 0, text, limit)
    except InvalidSearch as exc:
        raise bad_request("q", str(exc)) from exc
    answer = SearchResults(hits=[SearchHit.of(hit) for hit in hits])
    return JSONResponse(answer.model_dump(by_alias=True))
