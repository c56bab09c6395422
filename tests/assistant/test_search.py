"""Search over a person's threads, on the real index (SQLite FTS5, or Postgres when the tests
run there): their own live threads only, changes found by room and value, words typed with
any syntax read as words, matches marked, best first."""

from __future__ import annotations

import pytest

from app.assistant import search
from app.assistant.errors import InvalidSearch
from app.assistant.runs import create_run
from app.assistant.search import SearchHit, search_messages
from app.assistant.search_query import MAX_QUERY_CHARS, MAX_QUERY_WORDS
from app.assistant.threads import create_thread, delete_thread
from app.db.session import SessionFactory
from app.db.statuses import Role, RunStatus
from tests.fakes.scripted_provider import ScriptedProvider, text_turn, tool_turn
from tests.support.assistant import ask, build_runner, new_thread, stored_run
from tests.support.people import person


async def _said(sessions: SessionFactory, username: str, *texts: str) -> list[int]:
    """A thread of `username` where they said each text (each a run's question, stored as
    the app stores it); the ids of those messages."""
    async with sessions() as session:
        user_id = await person(session, username)
        thread = await create_thread(session, user_id, "t")
        ids = []
        for text in texts:
            run, asked, _ = await create_run(
                session, thread.id, user_id, text, max_steps=8, provider="test"
            )
            # One run at a time per thread: end this one before the next question.
            run.status = RunStatus.completed
            session.add(run)
            await session.commit()
            ids.append(asked.id or 0)
    return ids


async def _search(sessions: SessionFactory, username: str, text: str, **kw: int) -> list[SearchHit]:
    async with sessions() as session:
        return await search_messages(session, await person(session, username), text, **kw)


def _marked(hit: SearchHit) -> list[str]:
    return [segment.text for segment in hit.snippet if segment.is_match]


async def test_a_change_is_found_by_its_room_and_value(sessions: SessionFactory) -> None:
    """The reply's words name neither; the change it made (an effect) does."""
    provider = ScriptedProvider(
        [
            tool_turn(("c1", "set_room_temperature", '{"room": "kitchen", "celsius": 19}')),
            text_turn("Done, it will be cosy soon."),
        ]
    )
    thread_id = await new_thread(sessions)
    events = await ask(build_runner(sessions, provider), thread_id, "make it cosy please")
    _, (_, reply) = await stored_run(sessions, events[0].run_id)

    hits = await _search(sessions, "owner", "kitchen 19")

    assert [(h.thread_id, h.message_id, h.role) for h in hits] == [
        (thread_id, reply.id, Role.assistant)
    ]
    text = "".join(segment.text for segment in hits[0].snippet)
    # In the order the transcript shows them: the card, then the words after it.
    assert text == "Temperature in kitchen changed from 22 to 19 Done, it will be cosy soon."
    assert _marked(hits[0]) == ["kitchen", "19"]
    assert [h.message_id for h in await _search(sessions, "owner", "kitchen 22 19")] == [reply.id]
    assert await _search(sessions, "owner", "kitchen 21") == []


async def test_only_the_persons_own_live_threads_are_searched(sessions: SessionFactory) -> None:
    (alices,) = await _said(sessions, "alice", "the kitchen is cold")
    (deleted,) = await _said(sessions, "alice", "the kitchen is freezing")
    await _said(sessions, "bob", "the kitchen is cold")
    async with sessions() as session:
        alice = await person(session, "alice")
        thread_id = (await search_messages(session, alice, "freezing"))[0].thread_id
        await delete_thread(session, thread_id, alice)

    assert [h.message_id for h in await _search(sessions, "alice", "kitchen")] == [alices]
    assert await _search(sessions, "alice", "freezing") == []
    assert deleted not in [h.message_id for h in await _search(sessions, "bob", "kitchen")]
    assert await _search(sessions, "carol", "kitchen") == []


# Each is the syntax of FTS5 or of tsquery, or a character either could choke on.
SYNTAX = [
    '"',
    '"kitchen',
    "kitchen*",
    "kitchen OR bath",
    '" OR "bath',
    "NOT kitchen",
    "NEAR(kitchen bath, 2)",
    "body:kitchen",
    "{body}: kitchen",
    "^kitchen",
    "kitchen & !bath | (x <-> y)",
    "kitchen:* & bath:A",
    "'kitchen'",
    "kitchen\\",
    "kitchen;DROP TABLE message;--",
    "100% _kitchen_",
    "kitchen\x00bath",
    "kitchen\ud800",
    "🔥 kitchen",
    "Küche » Bad",
    "ｋｉｔｃｈｅｎ",
    "x" * MAX_QUERY_CHARS,
]


@pytest.mark.parametrize("text", SYNTAX)
async def test_search_syntax_is_read_as_words(sessions: SessionFactory, text: str) -> None:
    await _said(sessions, "alice", "kitchen or bath? the Küche, the Bad")
    try:
        hits = await _search(sessions, "alice", text)
    except InvalidSearch:
        return  # nothing to search for, said so: fine, as long as nothing else went wrong
    assert all(h.snippet for h in hits)


async def test_operators_are_words_to_find(sessions: SessionFactory) -> None:
    (message_id,) = await _said(sessions, "alice", "kitchen or bathroom, not the hall")
    await _said(sessions, "alice", "the kitchen")
    for text in ['kitchen" OR "bath', "kitchen OR bath*", "NOT hall", "kitchen:* or"]:
        assert [h.message_id for h in await _search(sessions, "alice", text)] == [message_id], text


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "Type a word to search for"),
        ("   ", "Type a word to search for"),
        ("?! -- ** ::", "Type a word to search for"),
        ("x" * (MAX_QUERY_CHARS + 1), f"at most {MAX_QUERY_CHARS} characters; this one has 201"),
        (" ".join(["w"] * (MAX_QUERY_WORDS + 1)), f"at most {MAX_QUERY_WORDS} words; this one has"),
    ],
)
async def test_a_search_with_nothing_to_find_says_why(
    sessions: SessionFactory, text: str, problem: str
) -> None:
    with pytest.raises(InvalidSearch, match=problem.replace("?", r"\?")):
        await _search(sessions, "alice", text)


async def test_the_last_word_is_a_prefix_while_it_is_typed(sessions: SessionFactory) -> None:
    (message_id,) = await _said(sessions, "alice", "set the living room to 21.5")
    hits = await _search(sessions, "alice", "liv")
    assert [h.message_id for h in hits] == [message_id] and _marked(hits[0]) == ["living"]
    assert await _search(sessions, "alice", "liv ") == []  # a space ends the word
    assert await _search(sessions, "alice", "liv room") == []  # only the last word
    # Words typed together must follow each other: 21.5 is 21 then 5, as in the text.
    assert _marked((await _search(sessions, "alice", "room 21.5"))[0]) == ["room", "21.5"]
    assert await _search(sessions, "alice", "5.21") == []


async def test_german_words_match_as_typed_and_without_umlauts(sessions: SessionFactory) -> None:
    (message_id,) = await _said(sessions, "alice", "Stell die Küche auf 19,5 Grad")
    for text in ["Küche", "küche", "KÜCHE", "kuche", "küche 19,5", "küche 19.5", "Grad"]:
        hits = await _search(sessions, "alice", text)
        assert [h.message_id for h in hits] == [message_id], text
    assert _marked((await _search(sessions, "alice", "kuche 19,5"))[0]) == ["Küche", "19,5"]
    assert await _search(sessions, "alice", "kueche") == []


async def test_best_matches_first_and_newer_first_among_equals(sessions: SessionFactory) -> None:
    filler = " ".join(f"word{i}" for i in range(40))
    weak, strong, same_a, same_b = await _said(
        sessions,
        "alice",
        f"kitchen {filler}",
        "kitchen kitchen: is the kitchen warm?",
        "bedroom",
        "bedroom",
    )
    assert [h.message_id for h in await _search(sessions, "alice", "kitchen")] == [strong, weak]
    assert [h.message_id for h in await _search(sessions, "alice", "bedroom")] == [same_b, same_a]


async def test_at_most_the_hits_asked_for(sessions: SessionFactory) -> None:
    ids = await _said(sessions, "alice", *[f"kitchen {n}" for n in range(6)])
    assert len(await _search(sessions, "alice", "kitchen", limit=4)) == 4
    assert len(await _search(sessions, "alice", "kitchen", limit=0)) == 1
    assert {h.message_id for h in await _search(sessions, "alice", "kitchen")} == set(ids)


async def test_only_the_newest_matches_are_ranked(
    sessions: SessionFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The best match among the newest `RANKED_NEWEST`: an older, better one waits."""
    monkeypatch.setattr(search, "RANKED_NEWEST", 2)
    best, *_ = await _said(
        sessions, "alice", "kitchen kitchen kitchen", "a kitchen b", "kitchen c d"
    )
    hits = await _search(sessions, "alice", "kitchen")
    assert len(hits) == 2 and best not in [h.message_id for h in hits]
