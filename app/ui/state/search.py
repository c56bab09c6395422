"""The sidebar's search: what is typed, the hits (matching words marked), and why a search
could not be made. The search runs outside the state lock; a newer one cancels an older."""

from __future__ import annotations

from dataclasses import dataclass, field

import reflex as rx

from app.accounts.sessions import user_for_token
from app.assistant.errors import InvalidSearch
from app.assistant.search import SearchHit, search_messages
from app.services import get_services
from app.ui.moments import iso_utc
from app.ui.state.auth import AuthState
from app.ui.state.threads import message_href


@dataclass
class SnippetPart:
    """A piece of a hit's snippet; `is_match`: a word searched for (shown marked)."""

    text: str
    is_match: bool = False


@dataclass
class SearchHitRow:
    """One hit in the sidebar: the thread's title, when, the snippet, where it opens."""

    message_id: int
    thread_title: str
    href: str
    created_at: str
    role: str
    snippet: list[SnippetPart] = field(default_factory=list)


def hit_row(hit: SearchHit) -> SearchHitRow:
    """A hit as the sidebar shows it."""
    return SearchHitRow(
        message_id=hit.message_id,
        thread_title=hit.thread_title,
        href=message_href(hit.thread_id, hit.message_id),
        created_at=iso_utc(hit.created_at),
        role=hit.role,
        snippet=[SnippetPart(s.text, s.is_match) for s in hit.snippet],
    )


async def _hits_for(session_token: str, text: str) -> tuple[list[SearchHitRow], str]:
    """The hits of the person this token belongs to, or why there are none to show."""
    async with get_services().sessions() as session:
        user = await user_for_token(session, session_token)
        if user is None:
            return [], "Sign in to search your threads."
        try:
            hits = await search_messages(session, user.id or 0, text)
        except InvalidSearch as exc:
            return [], str(exc)
    return [hit_row(hit) for hit in hits], ""


class SearchState(AuthState):
    """The search box above the threads and the hits under it."""

    query: str = ""
    hits: list[SearchHitRow] = []
    # Why this text cannot be searched ("" when it can).
    problem: str = ""
    # The text the hits shown are for ("" while none has answered yet).
    answered: str = ""

    @rx.var
    def is_open(self) -> bool:
        """Whether hits (or a word about them) show in place of the threads."""
        return bool(self.query.strip())

    @rx.var
    def summary(self) -> str:
        """What the search found, in words (read out to screen readers as it changes)."""
        if not self.query.strip():
            return ""
        if self.problem:
            return self.problem
        if self.answered != self.query:
            return "Searching…"
        if not self.hits:
            return f"No messages match “{self.query.strip()}”."
        count = len(self.hits)
        return f"{count} message{'s' if count != 1 else ''} found"

    @rx.event
    def set_query(self, text: str):
        """Search for what is typed (the field waits for a pause in the typing)."""
        self.query = text
        if not text.strip():
            return SearchState.clear
        return SearchState.run_search

    @rx.event
    def clear(self) -> None:
        """Empty the field; the threads show again."""
        self.forget()

    def forget(self) -> None:
        """No search: what is typed and what was found go (also as a session ends or starts,
        so the next person in this tab never sees the last one's hits)."""
        self.query, self.hits, self.problem, self.answered = "", [], "", ""

    @rx.event(background=True, supersedes=True)
    async def run_search(self):
        """Search the person's threads for the text typed, outside the state lock."""
        async with self:
            text, token = self.query, self.session_token
        hits, problem = await _hits_for(token, text)
        async with self:
            if self.query == text:
                self.hits, self.problem, self.answered = hits, problem, text
